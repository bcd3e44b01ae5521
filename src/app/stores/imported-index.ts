/**
 * id → position over an imported timeline's events, built on first use and extended as a
 * streamed import grows (the list is only appended to), so selecting, following a link and the
 * keyboard cost O(1) per look-up at 100,000 events.
 */
import type { TimelineEvent } from "../model";

interface Index {
  map: Map<string, number>;
  length: number;
}

const indexes = new WeakMap<readonly TimelineEvent[], Index>();

export function importedIndexOf(events: readonly TimelineEvent[], id: string): number {
  let index = indexes.get(events);
  if (!index) {
    index = { map: new Map(), length: 0 };
    indexes.set(events, index);
  }
  for (let i = index.length; i < events.length; i++) index.map.set(events[i]!.id, i);
  index.length = events.length;
  return index.map.get(id) ?? -1;
}
