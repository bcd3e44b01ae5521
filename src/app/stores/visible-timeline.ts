/**
 * The events the timeline shows (its view after lane, kind and search filters), kept up to date
 * incrementally: a live batch costs its own size (new events are matched, patched ones replaced,
 * events dropped at the cap leave from the front), typing more of a search narrows the previous
 * result instead of the whole view, live events arriving under an imported view cost nothing, and
 * an imported file streaming in is matched chunk by chunk. Falls back to one full pass when the
 * view changed in another way (a merge of a late event, a clear, other filters).
 *
 * The result grows in place like the store's arrays: each change returns a new `VisibleTimeline`
 * object (its identity is what readers follow), over the same `events` array.
 */
import type { TimelineEvent } from "../model";
import { importedIndexOf } from "./imported-index";
import { eventMatches, selectViewEvents, type TimelineFilters, type TimelineState } from "./timeline";

export interface VisibleTimeline {
  events: readonly TimelineEvent[];
  /** Where an event is in `events` (-1: not shown), without scanning. */
  indexOf(id: string): number;
}

type Source = Pick<TimelineState, "view" | "events" | "imported" | "filters" | "liveSeq" | "liveChangesSince" | "liveEvent" | "liveIndexOf">;

const needleOf = (f: TimelineFilters) => f.search.trim().toLowerCase();
const filtering = (f: TimelineFilters) => Boolean(f.lanes || f.kinds || needleOf(f));

export function createVisibleTimeline(): (s: Source) => VisibleTimeline {
  let source: readonly TimelineEvent[] | null = null;
  let sourceWasLive = false;
  /** How many of the source's events were read (imported files grow while they stream in). */
  let read = 0;
  let filters: TimelineFilters | null = null;
  let seq = -1;
  let result: TimelineEvent[] = [];
  // id → position in `result` plus `base` (drops at the front move `base`, not every entry).
  let positions = new Map<string, number>();
  let base = 0;
  let last: VisibleTimeline | null = null;

  function publish(): VisibleTimeline {
    const map = positions;
    const at = base;
    last = { events: result, indexOf: (id) => (map.has(id) ? map.get(id)! - at : -1) };
    return last;
  }

  function push(e: TimelineEvent): void {
    positions.set(e.id, base + result.length);
    result.push(e);
  }

  function full(events: readonly TimelineEvent[], f: TimelineFilters, from: readonly TimelineEvent[] = events): VisibleTimeline {
    const needle = needleOf(f);
    result = [];
    positions = new Map();
    base = 0;
    for (const e of from) if (eventMatches(e, f, needle)) push(e);
    return publish();
  }

  /** The same lanes and kinds, and a search that contains the previous one: only fewer events can match. */
  function narrows(prev: TimelineFilters, next: TimelineFilters): boolean {
    return prev.lanes === next.lanes && prev.kinds === next.kinds && needleOf(next).includes(needleOf(prev)) && filtering(prev);
  }

  /** Events dropped from the front of the live list at the cap: those shown leave the result's front. */
  function dropFront(s: Source): void {
    let gone = 0;
    while (gone < result.length && s.liveIndexOf(result[gone]!.id) < 0) gone++;
    if (gone === 0) return;
    for (let i = 0; i < gone; i++) positions.delete(result[i]!.id);
    result.splice(0, gone);
    base += gone;
  }

  /** Apply live appends, patches and drops since `seq`; false when they cannot be applied alone. */
  function catchUp(s: Source, events: readonly TimelineEvent[], f: TimelineFilters): boolean {
    const changes = s.liveChangesSince(seq);
    if (!changes) return false;
    if (changes.appended === 0 && changes.patched.size === 0 && changes.dropped === 0) return true;
    const needle = needleOf(f);
    for (const id of changes.patched) {
      const at = positions.get(id);
      const e = s.liveEvent(id);
      // A patch that changes whether an event matches moves it in or out: start over.
      if ((at !== undefined) !== (e !== undefined && eventMatches(e, f, needle))) {
        if (at !== undefined && e === undefined) continue; // dropped at the cap: handled below
        return false;
      }
      if (at !== undefined && e) result[at - base] = e;
    }
    if (changes.dropped > 0) dropFront(s);
    const appended = Math.min(changes.appended, events.length);
    for (let i = events.length - appended; i < events.length; i++) {
      const e = events[i]!;
      if (eventMatches(e, f, needle)) push(e);
    }
    publish();
    return true;
  }

  /** An imported file that grew since the last read (it streams in): match its new events. */
  function readImported(events: readonly TimelineEvent[], f: TimelineFilters): boolean {
    if (events.length === read) return false;
    const needle = needleOf(f);
    for (let i = read; i < events.length; i++) if (eventMatches(events[i]!, f, needle)) push(events[i]!);
    publish();
    return true;
  }

  return (s) => {
    const events = selectViewEvents(s);
    const f = s.filters;
    const live = s.view === "live" || !s.imported;
    if (!filtering(f)) {
      source = null;
      filters = null;
      last = null;
      return live ? { events, indexOf: (id) => s.liveIndexOf(id) } : { events, indexOf: (id) => importedIndexOf(events, id) };
    }
    let out: VisibleTimeline | null = null;
    if (last && filters) {
      // Bring the previous result up to date (live: appends, patches and drops; imported: what
      // streamed in), then keep it, or narrow it when the search only grew.
      let current = false;
      if (live) current = sourceWasLive && source === events && catchUp(s, events, filters);
      else if (!sourceWasLive && source === events) {
        current = true;
        if (events.length < read) current = false;
        else readImported(events, filters);
      }
      if (current) out = filters === f ? last : narrows(filters, f) ? full(events, f, result) : null;
    }
    out ??= full(events, f);
    source = events;
    sourceWasLive = live;
    read = events.length;
    filters = f;
    seq = s.liveSeq;
    return out;
  };
}
