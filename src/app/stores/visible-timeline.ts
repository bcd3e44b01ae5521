/**
 * The events the timeline shows (its view after lane, kind and search filters), kept up to date
 * incrementally: a live batch costs its own size (new events are matched, patched ones replaced),
 * typing more of a search narrows the previous result instead of the whole view, and live events
 * arriving under an imported view cost nothing. Falls back to one full pass when the view changed
 * in another way (a merge of a late event, a drop at the cap, a clear, other filters).
 */
import type { TimelineEvent } from "../model";
import { eventMatches, selectViewEvents, type TimelineFilters, type TimelineState } from "./timeline";

export interface VisibleTimeline {
  events: readonly TimelineEvent[];
  /** Where an event is in `events` (-1: not shown), without scanning. */
  indexOf(id: string): number;
}

type Source = Pick<TimelineState, "view" | "events" | "imported" | "filters" | "liveSeq" | "liveChangesSince" | "liveEvent" | "liveIndexOf">;

const importedIndexes = new WeakMap<readonly TimelineEvent[], Map<string, number>>();

/** id → position over an imported list (built once per import, on first use). */
function importedIndexOf(events: readonly TimelineEvent[], id: string): number {
  let map = importedIndexes.get(events);
  if (!map) {
    map = new Map(events.map((e, i) => [e.id, i]));
    importedIndexes.set(events, map);
  }
  return map.get(id) ?? -1;
}

const needleOf = (f: TimelineFilters) => f.search.trim().toLowerCase();
const filtering = (f: TimelineFilters) => Boolean(f.lanes || f.kinds || needleOf(f));

export function createVisibleTimeline(): (s: Source) => VisibleTimeline {
  let source: readonly TimelineEvent[] | null = null;
  let filters: TimelineFilters | null = null;
  let seq = -1;
  let result: TimelineEvent[] = [];
  let positions = new Map<string, number>();
  let last: VisibleTimeline | null = null;
  let sourceWasLive = false;

  function publish(): VisibleTimeline {
    const map = positions;
    last = { events: result, indexOf: (id) => map.get(id) ?? -1 };
    return last;
  }

  function full(events: readonly TimelineEvent[], f: TimelineFilters, from: readonly TimelineEvent[] = events): VisibleTimeline {
    const needle = needleOf(f);
    result = [];
    positions = new Map();
    for (const e of from) {
      if (eventMatches(e, f, needle)) {
        positions.set(e.id, result.length);
        result.push(e);
      }
    }
    return publish();
  }

  /** The same lanes and kinds, and a search that contains the previous one: only fewer events can match. */
  function narrows(prev: TimelineFilters, next: TimelineFilters): boolean {
    return prev.lanes === next.lanes && prev.kinds === next.kinds && needleOf(next).includes(needleOf(prev)) && filtering(prev);
  }

  /** Apply live appends and patches since `seq`; false when they cannot be applied alone. */
  function catchUp(s: Source, events: readonly TimelineEvent[], f: TimelineFilters): boolean {
    const changes = s.liveChangesSince(seq);
    if (!changes) return false;
    if (changes.appended === 0 && changes.patched.size === 0) return true;
    const needle = needleOf(f);
    const next = result.slice();
    for (const id of changes.patched) {
      const at = positions.get(id);
      const e = s.liveEvent(id);
      // A patch that changes whether an event matches moves it in or out: start over.
      if ((at !== undefined) !== (e !== undefined && eventMatches(e, f, needle))) return false;
      if (at !== undefined && e) next[at] = e;
    }
    for (let i = events.length - changes.appended; i < events.length; i++) {
      const e = events[i]!;
      if (eventMatches(e, f, needle)) {
        positions.set(e.id, next.length);
        next.push(e);
      }
    }
    result = next;
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
      // Bring the previous result up to date (live: appends and patches; imported: nothing moves),
      // then keep it, or narrow it when the search only grew.
      const current = live ? sourceWasLive && catchUp(s, events, filters) : !sourceWasLive && source === events;
      if (current) out = filters === f ? last : narrows(filters, f) ? full(events, f, result) : null;
    }
    out ??= full(events, f);
    source = events;
    sourceWasLive = live;
    filters = f;
    seq = s.liveSeq;
    return out;
  };
}
