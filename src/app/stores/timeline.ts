/**
 * The timeline: every observed event, time-ordered, in lanes per session. Appends and patches
 * arrive in batches from the Playground's event queue (one setState per flush). While paused, new
 * events are buffered (not lost) and shown on resume. An imported file is shown read-only in
 * place of the live view; live capture continues underneath.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ConnectionProfile, LaneId, LaneInfo, TimelineEvent, TimelineKind } from "../model";
import { TIMELINE_KINDS as ALL_KINDS } from "../model";
import { appendCapped, DEFAULT_CAP } from "./ring";
import { buildTimelineDocument, parseTimelineDocument, type TimelineDocument } from "./timeline-file";

export interface TimelineFilters {
  /** null = all lanes. */
  lanes: LaneId[] | null;
  /** null = all kinds. */
  kinds: TimelineKind[] | null;
  /** Case-insensitive substring over summary and XML. */
  search: string;
}

/** A patch replaces the event with the function's result (events are immutable). */
export interface EventPatch {
  id: string;
  apply(event: TimelineEvent): TimelineEvent;
}

export interface TimelineBatch {
  append: TimelineEvent[];
  patches: EventPatch[];
}

export interface ImportedTimeline {
  events: TimelineEvent[];
  exportedAt: string;
  profile: ConnectionProfile | null;
  /** Lane labels and colours from the file (may be empty for hand-made files). */
  lanes: Record<LaneId, LaneInfo>;
  /** File name or other label the UI showed when importing. */
  source: string | null;
}

export type ImportResult = { ok: true; count: number } | { ok: false; error: string };

/** What changed in the live events since a `liveSeq`: appended at the end, replaced by a patch. */
export interface LiveChanges {
  appended: number;
  patched: ReadonlySet<string>;
}

export interface TimelineState {
  /** Live events shown (oldest first), at most `cap`. */
  events: TimelineEvent[];
  /** Events captured while paused, shown on resume. */
  buffered: TimelineEvent[];
  paused: boolean;
  /** Events dropped from the front because the cap was reached (since the last clear). */
  dropped: number;
  cap: number;
  /** Which events the timeline view shows. */
  view: "live" | "imported";
  imported: ImportedTimeline | null;
  filters: TimelineFilters;
  selectedId: string | null;
  /** Import error to show (cleared by the next successful import or closeImport). */
  importError: string | null;
  /** Bumped on every change of `events`, for readers that follow them incrementally. */
  liveSeq: number;
  /**
   * The changes of `events` since `seq` when they were only appends and patches (null: something
   * else happened, a merge of a late event, a drop at the cap, a clear, or `seq` is too old).
   */
  liveChangesSince(seq: number): LiveChanges | null;
  /** A live event by id (O(1)). */
  liveEvent(id: string): TimelineEvent | undefined;
  /** Where a live event is in `events` (-1: not there), O(1). */
  liveIndexOf(id: string): number;

  /** Playground only: add and patch events (one state update). */
  applyBatch(batch: TimelineBatch): void;
  setLaneFilter(lanes: LaneId[] | null): void;
  toggleLane(lane: LaneId, allLanes: readonly LaneId[]): void;
  setKindFilter(kinds: TimelineKind[] | null): void;
  toggleKind(kind: TimelineKind): void;
  setSearch(search: string): void;
  select(id: string | null): void;
  pause(): void;
  resume(): void;
  /** Clear the live view (and the paused buffer). */
  clear(): void;
  /** The whole live session (shown and buffered) as a versioned JSON document. */
  exportJson(): string;
  /** Validate and load a file into the read-only imported view. Never throws. */
  importJson(text: string, source?: string): ImportResult;
  /** Show an already validated document (parsed off the main thread) in the imported view. */
  showImported(document: TimelineDocument, source?: string): ImportResult;
  /** An import failed before reaching the store (the file could not be read). */
  setImportError(error: string): void;
  /** Leave the imported view, back to live. */
  closeImport(): void;
  showView(view: "live" | "imported"): void;
}

export interface TimelineStoreOptions {
  cap?: number;
  /** Profile to embed in exports (passwords are stripped regardless). */
  getProfile?: () => ConnectionProfile | null;
  /** Lane labels/colours to embed in exports. */
  getLanes?: () => Record<LaneId, LaneInfo>;
}

function applyPatches(list: TimelineEvent[], patches: EventPatch[], index: Map<string, number>, offset: number): {
  list: TimelineEvent[];
  rest: EventPatch[];
} {
  let copy: TimelineEvent[] | null = null;
  const rest: EventPatch[] = [];
  for (const p of patches) {
    const abs = index.get(p.id);
    const pos = abs === undefined ? -1 : abs - offset;
    const arr: TimelineEvent[] = copy ?? list;
    if (pos >= 0 && pos < arr.length && arr[pos]!.id === p.id) {
      copy ??= list.slice();
      copy[pos] = p.apply(copy[pos]!);
    } else {
      rest.push(p);
    }
  }
  return { list: copy ?? list, rest };
}

function patchLinear(list: TimelineEvent[], patches: EventPatch[]): TimelineEvent[] {
  if (patches.length === 0) return list;
  let copy: TimelineEvent[] | null = null;
  for (const p of patches) {
    const arr = copy ?? list;
    for (let i = arr.length - 1; i >= 0; i--) {
      if (arr[i]!.id === p.id) {
        copy ??= list.slice();
        copy[i] = p.apply(copy[i]!);
        break;
      }
    }
  }
  return copy ?? list;
}

/** The batch in time order (stable; usually already sorted, then returned as is). */
function sortBatch(batch: TimelineEvent[]): TimelineEvent[] {
  for (let i = 1; i < batch.length; i++) {
    if (batch[i]!.at < batch[i - 1]!.at) return batch.slice().sort((a, b) => a.at - b.at);
  }
  return batch;
}

/** Changes remembered for incremental readers (more than this between two reads: they start over). */
const JOURNAL_LENGTH = 512;

/** The last changes of the live events (null: not an append or patch), for `liveChangesSince`. */
function createJournal() {
  const journal: ({ appended: number; patched: string[] } | null)[] = [];
  let seq = 0;
  return {
    note(change: { appended: number; patched: string[] } | null): number {
      journal.push(change);
      if (journal.length > JOURNAL_LENGTH) journal.shift();
      return ++seq;
    },
    since(from: number): LiveChanges | null {
      if (from === seq) return { appended: 0, patched: new Set() };
      if (from > seq || seq - from > journal.length) return null;
      let appended = 0;
      const patched = new Set<string>();
      for (let i = journal.length - (seq - from); i < journal.length; i++) {
        const change = journal[i];
        if (!change) return null;
        appended += change.appended;
        for (const id of change.patched) patched.add(id);
      }
      return { appended, patched };
    },
  };
}

export function createTimelineStore(options: TimelineStoreOptions = {}): StoreApi<TimelineState> {
  const cap = options.cap ?? DEFAULT_CAP;
  // id → absolute position (count of all events ever appended to `events` before it). Kept outside
  // the state: it is an index for patches, not something to render.
  const index = new Map<string, number>();
  let appendedTotal = 0;
  const { note, since } = createJournal();

  /**
   * Append a batch in time order. Batches are almost always newer than everything shown (a plain
   * append); a late event (e.g. a server-log decision stamped a little earlier) is merged into the
   * tail found by binary search, so only that tail is copied and re-indexed.
   */
  function appendLive(current: TimelineEvent[], added: TimelineEvent[], dropped: number) {
    const base = appendedTotal - current.length; // absolute position of current[0]
    const ordered = sortBatch(added);
    if (ordered.length === 0) return { events: current, dropped, offset: base, structural: false };
    const first = ordered[0]!;
    const last = current[current.length - 1];
    let merged: TimelineEvent[];
    let reindexFrom: number;
    if (!last || first.at >= last.at) {
      merged = current.concat(ordered);
      reindexFrom = current.length;
    } else {
      let lo = 0;
      let hi = current.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (current[mid]!.at <= first.at) lo = mid + 1;
        else hi = mid;
      }
      const tail = current.slice(lo);
      const mergedTail: TimelineEvent[] = [];
      let i = 0;
      let j = 0;
      while (i < tail.length || j < ordered.length) {
        // Ties keep what was shown first.
        if (j >= ordered.length || (i < tail.length && tail[i]!.at <= ordered[j]!.at)) mergedTail.push(tail[i++]!);
        else mergedTail.push(ordered[j++]!);
      }
      merged = current.slice(0, lo).concat(mergedTail);
      reindexFrom = lo;
    }
    for (let i = reindexFrom; i < merged.length; i++) index.set(merged[i]!.id, base + i);
    const excess = Math.max(0, merged.length - cap);
    for (let i = 0; i < excess; i++) index.delete(merged[i]!.id);
    appendedTotal = base + merged.length;
    const events = excess > 0 ? merged.slice(excess) : merged;
    return { events, dropped: dropped + excess, offset: base + excess, structural: excess > 0 || reindexFrom < current.length };
  }

  return createStore<TimelineState>()((set, get) => ({
    events: [],
    buffered: [],
    paused: false,
    dropped: 0,
    cap,
    view: "live",
    imported: null,
    filters: { lanes: null, kinds: null, search: "" },
    selectedId: null,
    importError: null,
    liveSeq: 0,
    liveChangesSince: since,
    liveEvent: (id) => {
      const i = get().liveIndexOf(id);
      return i < 0 ? undefined : get().events[i];
    },
    liveIndexOf: (id) => {
      const abs = index.get(id);
      const events = get().events;
      const i = abs === undefined ? -1 : abs - (appendedTotal - events.length);
      return i >= 0 && events[i]?.id === id ? i : -1;
    },

    applyBatch: ({ append, patches }) => {
      if (append.length === 0 && patches.length === 0) return;
      const s = get();
      if (s.paused) {
        // Patch what is shown and what is buffered; new events wait in the buffer.
        const offset = appendedTotal - s.events.length;
        const shown = applyPatches(s.events, patches, index, offset);
        let buffered = append.length ? s.buffered.concat(append) : s.buffered;
        buffered = patchLinear(buffered, shown.rest);
        // The buffer obeys the cap too, so a long pause cannot grow memory without bound.
        const cappedBuffer = appendCapped([], buffered, cap);
        const liveSeq = shown.list === s.events ? s.liveSeq : note({ appended: 0, patched: patches.map((p) => p.id) });
        set({ events: shown.list, buffered: cappedBuffer.items, dropped: s.dropped + cappedBuffer.dropped, liveSeq });
        return;
      }
      const live = appendLive(s.events, append, s.dropped);
      const patched = applyPatches(live.events, patches, index, live.offset);
      const events = patched.rest.length ? patchLinear(patched.list, patched.rest) : patched.list;
      const liveSeq = note(live.structural ? null : { appended: append.length, patched: patches.map((p) => p.id) });
      set({ events, dropped: live.dropped, liveSeq });
    },

    setLaneFilter: (lanes) => set({ filters: { ...get().filters, lanes } }),
    toggleLane: (lane, allLanes) => {
      const current = get().filters.lanes ?? [...allLanes];
      const next = current.includes(lane) ? current.filter((l) => l !== lane) : [...current, lane];
      const all = allLanes.every((l) => next.includes(l));
      set({ filters: { ...get().filters, lanes: all ? null : next } });
    },
    setKindFilter: (kinds) => set({ filters: { ...get().filters, kinds } }),
    toggleKind: (kind) => {
      const current = get().filters.kinds ?? [...ALL_KINDS];
      const next = current.includes(kind) ? current.filter((k) => k !== kind) : [...current, kind];
      set({ filters: { ...get().filters, kinds: next.length === ALL_KINDS.length ? null : next } });
    },
    setSearch: (search) => set({ filters: { ...get().filters, search } }),
    select: (selectedId) => set({ selectedId }),
    pause: () => set({ paused: true }),
    resume: () => {
      const s = get();
      const live = appendLive(s.events, s.buffered, s.dropped);
      const liveSeq = note(live.structural ? null : { appended: s.buffered.length, patched: [] });
      set({ paused: false, buffered: [], events: live.events, dropped: live.dropped, liveSeq });
    },
    clear: () => {
      index.clear();
      appendedTotal = 0;
      set({ liveSeq: note(null), events: [], buffered: [], dropped: 0, selectedId: get().view === "live" ? null : get().selectedId });
    },
    exportJson: () => {
      const s = get();
      const events = s.buffered.length ? s.events.concat(s.buffered) : s.events;
      return JSON.stringify(buildTimelineDocument(events, options.getProfile?.() ?? null, options.getLanes?.() ?? {}));
    },
    importJson: (text, source) => {
      const parsed = parseTimelineDocument(text);
      if (!parsed.ok) {
        set({ importError: parsed.error });
        return parsed;
      }
      return get().showImported(parsed.document, source);
    },
    setImportError: (importError) => set({ importError }),
    showImported: (document, source) => {
      const { events, exportedAt, profile, lanes } = document;
      set({ imported: { events, exportedAt, profile, lanes, source: source ?? null }, view: "imported", importError: null, selectedId: null });
      return { ok: true, count: events.length };
    },
    closeImport: () => set({ imported: null, view: "live", importError: null, selectedId: null }),
    showView: (view) => set({ view: view === "imported" && !get().imported ? "live" : view, selectedId: null }),
  }));
}


/** The events of the current view (live or imported), before filtering. */
export function selectViewEvents(s: Pick<TimelineState, "view" | "events" | "imported">): TimelineEvent[] {
  return s.view === "imported" && s.imported ? s.imported.events : s.events;
}

export function eventMatches(e: TimelineEvent, filters: TimelineFilters, needle: string): boolean {
  if (filters.lanes && !filters.lanes.includes(e.lane)) return false;
  if (filters.kinds && !filters.kinds.includes(e.kind)) return false;
  if (needle) {
    if (e.summary.toLowerCase().includes(needle)) return true;
    if (e.xml && e.xml.toLowerCase().includes(needle)) return true;
    return false;
  }
  return true;
}

/** Apply lane, kind and search filters. Search also applies to events that arrive later. */
export function filterEvents(events: readonly TimelineEvent[], filters: TimelineFilters): TimelineEvent[] {
  const needle = filters.search.trim().toLowerCase();
  if (!filters.lanes && !filters.kinds && !needle) return events as TimelineEvent[];
  return events.filter((e) => eventMatches(e, filters, needle));
}

/** The selected event, looked up in the current view. */
export function selectSelectedEvent(s: TimelineState): TimelineEvent | null {
  if (!s.selectedId) return null;
  const events = selectViewEvents(s);
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.id === s.selectedId) return events[i]!;
  return null;
}

/** Find an event by id in the current view (e.g. follow a push's causeEventId). */
export function findEvent(s: TimelineState, id: string): TimelineEvent | null {
  const events = selectViewEvents(s);
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.id === id) return events[i]!;
  return null;
}
