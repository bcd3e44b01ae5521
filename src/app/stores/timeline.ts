/**
 * The timeline: every observed event, time-ordered, in lanes per session. Appends and patches
 * arrive in batches from the Playground's event queue (one setState per flush). While paused, new
 * events are buffered (not lost) and shown on resume. An imported file is shown read-only in
 * place of the live view; live capture continues underneath.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ConnectionProfile, LaneId, LaneInfo, TimelineEvent, TimelineKind } from "../model";
import { TIMELINE_KINDS as ALL_KINDS } from "../model";
import { importedIndexOf } from "./imported-index";
import { createLiveEvents, patchInPlace, type EventPatch } from "./live-events";
import { appendInPlace, DEFAULT_CAP } from "./ring";
// Type only: the file format loads on first export or same-thread import, not with the page.
import type { TimelineDocument } from "./timeline-file";

export interface TimelineFilters {
  /** null = all lanes. */
  lanes: LaneId[] | null;
  /** null = all kinds. */
  kinds: TimelineKind[] | null;
  /** Case-insensitive substring over summary and XML. */
  search: string;
}

/** A patch replaces the event with the function's result (events are immutable). */
export type { EventPatch } from "./live-events";

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
  /** While a file streams in: how many events it has (`events` grows in place until then). */
  loading: { total: number } | null;
}

/** What an import shows before its events arrive. */
export type ImportedMeta = Omit<TimelineDocument, "events">;

export type ImportResult = { ok: true; count: number } | { ok: false; error: string };

/** An export: the file's content and how many events it holds (those captured up to the moment it was asked for). */
export type ExportResult = { ok: true; blob: Blob; count: number } | { ok: false; error: string };

/** What changed in the live events since a `liveSeq`: appended at the end, replaced by a patch, dropped from the front. */
export interface LiveChanges {
  appended: number;
  patched: ReadonlySet<string>;
  /** Dropped from the front at the cap (after the appends counted in `appended`). */
  dropped: number;
}

export interface TimelineState {
  /**
   * Live events shown (oldest first), at most `cap`. Appended and patched in place (the same array
   * until `clear`): follow `liveSeq` to see changes, not the array's identity.
   */
  events: TimelineEvent[];
  /** Events captured while paused, shown on resume (appended in place too). */
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
  /**
   * The whole live session (shown and buffered) as a versioned JSON document, written in slices
   * that leave the page responsive. It holds the events captured up to the call; those arriving
   * while it is written stay in the live view. Never rejects.
   */
  exportJson(): Promise<ExportResult>;
  /** Validate and load a file into the read-only imported view (on this thread). Never rejects. */
  importJson(text: string, source?: string): Promise<ImportResult>;
  /** Show an already validated document (parsed off the main thread) in the imported view. */
  showImported(document: TimelineDocument, source?: string): ImportResult;
  /** An import failed before reaching the store (the file could not be read). */
  setImportError(error: string): void;
  /**
   * A file streamed in chunks (parsed off the main thread): show its first rows as they come.
   * Returns a token for the calls that follow; they are ignored once another import began or the
   * view was closed.
   */
  beginImport(meta: ImportedMeta, total: number, source?: string): number;
  appendImported(token: number, events: readonly TimelineEvent[]): void;
  finishImport(token: number): ImportResult;
  /** The file turned out invalid part-way: drop what was shown of it and say why. */
  failImport(token: number, error: string): void;
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

/** Changes remembered for incremental readers (more than this between two reads: they start over). */
const JOURNAL_LENGTH = 512;

interface JournalEntry {
  appended: number;
  patched: readonly string[];
  dropped: number;
}

/** The last changes of the live events (null: not an append, patch or drop), for `liveChangesSince`. */
function createJournal() {
  const journal: (JournalEntry | null)[] = [];
  let seq = 0;
  return {
    note(change: JournalEntry | null): number {
      journal.push(change);
      if (journal.length > JOURNAL_LENGTH) journal.shift();
      return ++seq;
    },
    since(from: number): LiveChanges | null {
      if (from === seq) return { appended: 0, patched: new Set(), dropped: 0 };
      if (from > seq || seq - from > journal.length) return null;
      let appended = 0;
      let dropped = 0;
      const patched = new Set<string>();
      for (let i = journal.length - (seq - from); i < journal.length; i++) {
        const change = journal[i];
        if (!change) return null;
        appended += change.appended;
        dropped += change.dropped;
        for (const id of change.patched) patched.add(id);
      }
      return { appended, patched, dropped };
    },
  };
}

export function createTimelineStore(options: TimelineStoreOptions = {}): StoreApi<TimelineState> {
  const cap = options.cap ?? DEFAULT_CAP;
  const live = createLiveEvents(cap);
  const { note, since } = createJournal();
  let importToken = 0;
  /** Append to the live events; the journal entry for it (null: positions moved). */
  const appendLive = (added: readonly TimelineEvent[]) => {
    const outcome = live.append(added);
    return { ...outcome, change: outcome.merged ? null : { appended: added.length, patched: [] as string[], dropped: outcome.dropped } };
  };

  return createStore<TimelineState>()((set, get) => ({
    events: live.events,
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
      const i = live.indexOf(id);
      return i < 0 ? undefined : live.events[i];
    },
    liveIndexOf: (id) => live.indexOf(id),

    applyBatch: ({ append, patches }) => {
      if (append.length === 0 && patches.length === 0) return;
      const s = get();
      if (s.paused) {
        // Patch what is shown and what is buffered; new events wait in the buffer.
        const rest = live.patch(patches);
        const buffered = s.buffered;
        // The buffer obeys the cap too, so a long pause cannot grow memory without bound.
        const dropped = appendInPlace(buffered, append, cap);
        patchInPlace(buffered, rest);
        const patchedShown = rest.length < patches.length;
        const liveSeq = patchedShown ? note({ appended: 0, patched: patches.map((p) => p.id), dropped: 0 }) : s.liveSeq;
        set({ dropped: s.dropped + dropped, liveSeq });
        return;
      }
      const appended = appendLive(append);
      live.patch(patches);
      const change = appended.change && { ...appended.change, patched: patches.map((p) => p.id) };
      set({ dropped: s.dropped + appended.dropped, liveSeq: note(change) });
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
      const appended = appendLive(s.buffered);
      set({ paused: false, buffered: [], dropped: s.dropped + appended.dropped, liveSeq: note(appended.change) });
    },
    clear: () => {
      live.clear();
      set({ liveSeq: note(null), events: live.events, buffered: [], dropped: 0, selectedId: get().view === "live" ? null : get().selectedId });
    },
    exportJson: async () => {
      const s = get();
      // A snapshot now: the live array grows, is patched and dropped from in place meanwhile.
      const events = s.events.concat(s.buffered);
      const input = { events, profile: options.getProfile?.() ?? null, lanes: options.getLanes?.() ?? {}, at: new Date() };
      let writer: typeof import("./timeline-export");
      try {
        writer = await import("./timeline-export");
      } catch (err) {
        return { ok: false, error: `Could not load the exporter (${errorText(err)}); reload the page and try again.` };
      }
      try {
        return { ok: true, blob: await writer.writeTimelineExport(input), count: events.length };
      } catch (err) {
        return { ok: false, error: `The export of ${events.length} events failed: ${errorText(err)}.` };
      }
    },
    importJson: async (text, source) => {
      let parsed: import("./timeline-file").ParseResult;
      try {
        parsed = (await import("./timeline-file")).parseTimelineDocument(text);
      } catch (err) {
        parsed = { ok: false, error: `Could not load the importer (${errorText(err)}); reload the page and try again.` };
      }
      if (!parsed.ok) {
        set({ importError: parsed.error });
        return parsed;
      }
      return get().showImported(parsed.document, source);
    },
    setImportError: (importError) => set({ importError }),
    showImported: (document, source) => {
      const { events, exportedAt, profile, lanes } = document;
      importToken += 1;
      set({ imported: { events, exportedAt, profile, lanes, source: source ?? null, loading: null }, view: "imported", importError: null, selectedId: null });
      return { ok: true, count: events.length };
    },
    beginImport: (meta, total, source) => {
      const { exportedAt, profile, lanes } = meta;
      set({ imported: { events: [], exportedAt, profile, lanes, source: source ?? null, loading: { total } }, view: "imported", importError: null, selectedId: null });
      return ++importToken;
    },
    appendImported: (token, events) => {
      const imported = get().imported;
      if (token !== importToken || !imported) return;
      for (let i = 0; i < events.length; i++) imported.events.push(events[i]!);
      // A new object per chunk (the events array grows in place): readers see the change.
      set({ imported: { ...imported } });
    },
    finishImport: (token) => {
      const imported = get().imported;
      if (token !== importToken || !imported) return { ok: false, error: "The import was closed before it finished." };
      set({ imported: { ...imported, loading: null } });
      return { ok: true, count: imported.events.length };
    },
    failImport: (token, error) => {
      if (token !== importToken) return;
      importToken += 1;
      set({ imported: null, view: "live", importError: error, selectedId: null });
    },
    closeImport: () => {
      importToken += 1;
      set({ imported: null, view: "live", importError: null, selectedId: null });
    },
    showView: (view) => set({ view: view === "imported" && !get().imported ? "live" : view, selectedId: null }),
  }));
}


function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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

/** The selected event, looked up in the current view (O(1): selectors run on every store change). */
export function selectSelectedEvent(s: TimelineState): TimelineEvent | null {
  return s.selectedId ? findEvent(s, s.selectedId) : null;
}

/** Find an event by id in the current view (e.g. follow a push's causeEventId), through an index. */
export function findEvent(s: TimelineState, id: string): TimelineEvent | null {
  if (s.view === "imported" && s.imported) return s.imported.events[importedIndexOf(s.imported.events, id)] ?? null;
  return s.liveEvent(id) ?? null;
}
