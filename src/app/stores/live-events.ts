/**
 * The live timeline's events: one array appended and patched in place, in time order, at most
 * `cap` long, with an id → position index. A flush costs its own size, not the events already
 * there (copying 100,000 references per flush, twice with patches, was most of a flush's time and
 * garbage at 100k events). Readers follow the store's `liveSeq` and `liveChangesSince`.
 */
import type { TimelineEvent } from "../model";
import { flattenStrings } from "./flat-strings";

export interface EventPatch {
  id: string;
  apply(event: TimelineEvent): TimelineEvent;
}

export interface AppendOutcome {
  /** Events dropped from the front at the cap. */
  dropped: number;
  /** A late event was merged before events already there (positions moved). */
  merged: boolean;
}

/** The batch in time order (stable; usually already sorted, then returned as is). */
export function sortBatch(batch: readonly TimelineEvent[]): readonly TimelineEvent[] {
  for (let i = 1; i < batch.length; i++) {
    if (batch[i]!.at < batch[i - 1]!.at) return batch.slice().sort((a, b) => a.at - b.at);
  }
  return batch;
}

/** Patch events of a plain list (the paused buffer) in place, newest first; returns the patches that found nothing. */
export function patchInPlace(list: TimelineEvent[], patches: readonly EventPatch[]): EventPatch[] {
  const rest: EventPatch[] = [];
  for (const p of patches) {
    let found = false;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.id === p.id) {
        list[i] = p.apply(list[i]!);
        found = true;
        break;
      }
    }
    if (!found) rest.push(p);
  }
  return rest;
}

export interface LiveEvents {
  /** The array itself (the same one until `clear`). */
  readonly events: TimelineEvent[];
  indexOf(id: string): number;
  append(added: readonly TimelineEvent[]): AppendOutcome;
  /** Apply the patches whose event is here; returns the others. */
  patch(patches: readonly EventPatch[]): EventPatch[];
  clear(): void;
}

export function createLiveEvents(cap: number): LiveEvents {
  let events: TimelineEvent[] = [];
  // id → absolute position (how many events were appended before it since the last clear), so a
  // drop at the front moves `base` instead of re-indexing every event.
  const index = new Map<string, number>();
  let base = 0;

  function indexOf(id: string): number {
    const abs = index.get(id);
    if (abs === undefined) return -1;
    const i = abs - base;
    return events[i]?.id === id ? i : -1;
  }

  /** A batch starting before the newest event: merge it into the tail found by binary search. */
  function mergeLate(ordered: readonly TimelineEvent[]): void {
    const first = ordered[0]!;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]!.at <= first.at) lo = mid + 1;
      else hi = mid;
    }
    const tail = events.splice(lo);
    let i = 0;
    let j = 0;
    while (i < tail.length || j < ordered.length) {
      // Ties keep what was shown first.
      if (j >= ordered.length || (i < tail.length && tail[i]!.at <= ordered[j]!.at)) events.push(tail[i++]!);
      else events.push(ordered[j++]!);
    }
    for (let k = lo; k < events.length; k++) index.set(events[k]!.id, base + k);
  }

  return {
    get events() {
      return events;
    },
    indexOf,
    append(added) {
      flattenStrings(added);
      const ordered = sortBatch(added);
      if (ordered.length === 0) return { dropped: 0, merged: false };
      const last = events[events.length - 1];
      const merged = last !== undefined && ordered[0]!.at < last.at;
      if (merged) mergeLate(ordered);
      else {
        for (const e of ordered) {
          index.set(e.id, base + events.length);
          events.push(e);
        }
      }
      const excess = events.length - cap;
      if (excess <= 0) return { dropped: 0, merged };
      for (let k = 0; k < excess; k++) index.delete(events[k]!.id);
      events.splice(0, excess);
      base += excess;
      return { dropped: excess, merged };
    },
    patch(patches) {
      const rest: EventPatch[] = [];
      for (const p of patches) {
        const i = indexOf(p.id);
        if (i >= 0) {
          events[i] = p.apply(events[i]!);
          flattenStrings([events[i]!]);
        } else rest.push(p);
      }
      return rest;
    },
    clear() {
      events = [];
      index.clear();
      base = 0;
    },
  };
}
