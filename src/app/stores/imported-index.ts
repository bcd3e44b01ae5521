/**
 * id → position over an imported timeline's events, built as look-ups need it and extended as a
 * streamed import grows (the list is only appended to, its ids are unique), so selecting,
 * following a link and the keyboard cost O(1) per look-up at 100,000 events. A look-up indexes
 * only as far as the event it asks for: the first arrow key on a fresh import (the first row)
 * does not pay for indexing all 100,000.
 */
import type { TimelineEvent } from "../model";

interface Index {
  map: Map<string, number>;
  /** How many events from the start are in `map`. */
  length: number;
}

const indexes = new WeakMap<readonly TimelineEvent[], Index>();

export function importedIndexOf(events: readonly TimelineEvent[], id: string): number {
  let index = indexes.get(events);
  if (!index) {
    index = { map: new Map(), length: 0 };
    indexes.set(events, index);
  }
  const known = index.map.get(id);
  if (known !== undefined) return known;
  while (index.length < events.length) {
    const at = index.length++;
    const eventId = events[at]!.id;
    index.map.set(eventId, at);
    if (eventId === id) return at;
  }
  return -1;
}
