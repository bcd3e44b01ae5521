/**
 * The events the timeline shows (its view after lane, kind and search filters), kept up to date
 * incrementally: a live batch costs its own size (new events are matched, patched ones replaced,
 * events dropped at the cap leave from the front), typing more of a search narrows the previous
 * result instead of the whole view, live events arriving under an imported view cost nothing, and
 * an imported file streaming in is matched chunk by chunk.
 *
 * A pass over the whole view (new filters, a merge of a late event, a clear) runs in slices of a
 * few milliseconds: the first slice's matches show at once, the result says it is not `complete`,
 * and calling again with the same inputs runs the next slice (useVisibleTimeline does, between
 * tasks). 100,000 events then cost no long task per keystroke. A newer keystroke abandons the pass
 * of the one before, unless it only typed more of the search: then the pass goes on with the new
 * search over what it found so far and what it had left (typing fast reads the view about once).
 *
 * The result grows in place like the store's arrays: each change returns a new `VisibleTimeline`
 * object (its identity is what readers follow), over the same `events` array.
 */
import type { TimelineEvent } from "../model";
import { importedIndexOf } from "./imported-index";
import { compileQuery, narrowsQuery, type TextQuery } from "./text-search";
import { selectViewEvents, type TimelineFilters, type TimelineState } from "./timeline";

export interface VisibleTimeline {
  events: readonly TimelineEvent[];
  /** Where an event is in `events` (-1: not shown), without scanning. */
  indexOf(id: string): number;
  /** False while a pass over the view is under way (`events` has the matches found so far). */
  complete: boolean;
}

type Source = Pick<TimelineState, "view" | "events" | "imported" | "filters" | "liveSeq" | "liveChangesSince" | "liveEvent" | "liveIndexOf">;

export interface VisibleTimelineOptions {
  /** Milliseconds of matching per call before the rest waits for the next call. */
  sliceMs?: number;
  now?: () => number;
}

/** Each filters object's compiled search (filters are replaced, never changed, on every edit). */
const queries = new WeakMap<TimelineFilters, TextQuery>();

function queryOf(f: TimelineFilters): TextQuery {
  let q = queries.get(f);
  if (!q) {
    q = compileQuery(f.search);
    queries.set(f, q);
  }
  return q;
}

const filtering = (f: TimelineFilters) => Boolean(f.lanes || f.kinds || f.search.trim());

/** The filters' test of one event (timeline.ts's `eventMatches`, with the search compiled once). */
function matches(e: TimelineEvent, f: TimelineFilters, q: TextQuery): boolean {
  if (f.lanes && !f.lanes.includes(e.lane)) return false;
  if (f.kinds && !f.kinds.includes(e.kind)) return false;
  if (!q.text) return true;
  return q.test(e.summary) || (e.xml !== undefined && e.xml !== "" && q.test(e.xml));
}

/** The same lanes and kinds, and a search that contains the previous one: only fewer events can match. */
function narrows(prev: TimelineFilters, next: TimelineFilters): boolean {
  return prev.lanes === next.lanes && prev.kinds === next.kinds && narrowsQuery(queryOf(prev), queryOf(next)) && filtering(prev);
}

/** Where the live event at `liveIndex` is in `result` (a subsequence of the live list): -1 if not shown. */
function findShown(s: Source, result: readonly TimelineEvent[], liveIndex: number): number {
  let lo = 0;
  let hi = result.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.liveIndexOf(result[mid]!.id) < liveIndex) lo = mid + 1;
    else hi = mid;
  }
  return lo < result.length && s.liveIndexOf(result[lo]!.id) === liveIndex ? lo : -1;
}

/** Part of a pass: `from[i…end)`. */
interface Segment {
  from: readonly TimelineEvent[];
  i: number;
  end: number;
}

/**
 * A pass for filters `f` over its segments in order (the view, or a previous result; a narrowing
 * typed while a pass ran: what that pass found so far, then what it had left), started when the
 * live list was at `seq`.
 */
interface Pass {
  segments: Segment[];
  /** The segment being read. */
  k: number;
  f: TimelineFilters;
  query: TextQuery;
  events: readonly TimelineEvent[];
  live: boolean;
  seq: number;
  /** How much of an imported view the pass covers (what streamed in later is read after it). */
  read: number;
}

export function createVisibleTimeline(options: VisibleTimelineOptions = {}): (s: Source) => VisibleTimeline {
  const sliceMs = options.sliceMs ?? 8;
  const now = options.now ?? (() => performance.now());
  let source: readonly TimelineEvent[] | null = null;
  let sourceWasLive = false;
  /** How many of the source's events were read (imported files grow while they stream in). */
  let read = 0;
  let filters: TimelineFilters | null = null;
  let seq = -1;
  let result: TimelineEvent[] = [];
  let pass: Pass | null = null;
  // id → position in `result` plus `base`, built on the first look-up (a keystroke that matches
  // 100,000 events should not pay for 100,000 map entries nobody asked for).
  let positions = new Map<string, number>();
  let mapped = 0;
  let base = 0;
  let last: VisibleTimeline | null = null;

  function indexOf(id: string): number {
    for (; mapped < result.length; mapped++) positions.set(result[mapped]!.id, base + mapped);
    const at = positions.get(id);
    return at === undefined ? -1 : at - base;
  }

  function publish(complete: boolean): VisibleTimeline {
    last = { events: result, indexOf, complete };
    return last;
  }

  function reset(): void {
    result = [];
    positions = new Map();
    mapped = 0;
    base = 0;
  }

  function begin(s: Source, events: readonly TimelineEvent[], f: TimelineFilters, live: boolean, from: readonly TimelineEvent[] = events): VisibleTimeline {
    reset();
    const segments = [{ from, i: 0, end: from.length }];
    pass = { segments, k: 0, f, query: queryOf(f), events, live, seq: s.liveSeq, read: from === events ? from.length : read };
    return step(s);
  }

  /**
   * A search typed further while a pass runs: the matches found so far are narrowed, and what the
   * pass had left is read with the new search (instead of the whole view again, per keystroke).
   */
  function narrowPass(s: Source, p: Pass, f: TimelineFilters): VisibleTimeline {
    const found = { from: result, i: 0, end: result.length };
    const rest = p.segments.slice(p.k).filter((sg) => sg.i < sg.end);
    reset();
    pass = { ...p, segments: [found, ...rest], k: 0, f, query: queryOf(f) };
    return step(s);
  }

  /** One slice of the pass; once it is over, catch up with what changed meanwhile. */
  function step(s: Source): VisibleTimeline {
    const p = pass!;
    if (p.live && p.segments.some((sg) => sg.from === p.events && sg.i < sg.end)) {
      // Drops at the cap move positions under the pass: start it again.
      const changes = s.liveChangesSince(p.seq);
      if (!changes || changes.dropped > 0) return begin(s, p.events, p.f, true);
    }
    const deadline = now() + sliceMs;
    for (; p.k < p.segments.length; p.k++) {
      const sg = p.segments[p.k]!;
      while (sg.i < sg.end) {
        const stop = Math.min(sg.end, sg.i + 512);
        for (; sg.i < stop; sg.i++) {
          const e = sg.from[sg.i]!;
          if (matches(e, p.f, p.query)) result.push(e);
        }
        if (now() >= deadline && sg.i < sg.end) return publish(false);
      }
    }
    pass = null;
    source = p.events;
    sourceWasLive = p.live;
    filters = p.f;
    seq = p.seq;
    read = p.read;
    if (p.live) return catchUp(s, p.events, p.f) ? publish(true) : begin(s, p.events, p.f, true);
    readImported(p.events, p.f);
    return publish(true);
  }

  /** Events dropped from the front of the live list at the cap: those shown leave the result's front. */
  function dropFront(s: Source): void {
    let gone = 0;
    while (gone < result.length && s.liveIndexOf(result[gone]!.id) < 0) gone++;
    if (gone === 0) return;
    for (let i = 0; i < Math.min(gone, mapped); i++) positions.delete(result[i]!.id);
    result.splice(0, gone);
    mapped = Math.max(0, mapped - gone);
    base += gone;
  }

  /** Apply live appends, patches and drops since `seq`; false when they cannot be applied alone. */
  function catchUp(s: Source, events: readonly TimelineEvent[], f: TimelineFilters): boolean {
    const changes = s.liveChangesSince(seq);
    if (!changes) return false;
    seq = s.liveSeq;
    if (changes.appended === 0 && changes.patched.size === 0 && changes.dropped === 0) return true;
    const query = queryOf(f);
    if (changes.dropped > 0) dropFront(s);
    const appended = Math.min(changes.appended, events.length);
    const firstNew = events.length - appended;
    for (const id of changes.patched) {
      const at = s.liveIndexOf(id);
      // Gone at the cap, or new: the append loop below reads it as it is now.
      if (at < 0 || at >= firstNew) continue;
      const shownAt = findShown(s, result, at);
      const e = events[at]!;
      // A patch that changes whether an event matches moves it in or out: start over.
      if (shownAt >= 0 !== matches(e, f, query)) return false;
      if (shownAt >= 0) result[shownAt] = e;
    }
    for (let i = firstNew; i < events.length; i++) {
      const e = events[i]!;
      if (matches(e, f, query)) result.push(e);
    }
    return true;
  }

  /** An imported file that grew since the last read (it streams in): match its new events. */
  function readImported(events: readonly TimelineEvent[], f: TimelineFilters): boolean {
    if (events.length === read) return false;
    const query = queryOf(f);
    for (let i = read; i < events.length; i++) if (matches(events[i]!, f, query)) result.push(events[i]!);
    read = events.length;
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
      pass = null;
      const lookup = live ? (id: string) => s.liveIndexOf(id) : (id: string) => importedIndexOf(events, id);
      return { events, indexOf: lookup, complete: true };
    }
    // The next slice of a pass, unless what it was for changed.
    if (pass && pass.events === events && pass.live === live) {
      if (pass.f === f) return step(s);
      if (narrows(pass.f, f)) return narrowPass(s, pass, f);
    }
    pass = null;
    if (last && filters && last.complete) {
      // Bring the previous result up to date (live: appends, patches and drops; imported: what
      // streamed in), then keep it, or narrow it when the search only grew.
      let current = false;
      let changed = false;
      if (live && sourceWasLive && source === events) {
        const before = seq;
        current = catchUp(s, events, filters);
        changed = current && seq !== before;
      } else if (!live && !sourceWasLive && source === events && events.length >= read) {
        current = true;
        changed = readImported(events, filters);
      }
      if (current && filters === f) return changed ? publish(true) : last;
      if (current && narrows(filters, f)) return begin(s, events, f, live, result);
    }
    return begin(s, events, f, live);
  };
}
