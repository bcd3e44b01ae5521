/**
 * The XML console: raw frames per session, in and out, SASL credentials already masked. Appended
 * in batches by the Playground's event queue. Stream-management nonzas are hidden by default
 * (Gajim, Psi). The send box history lives here so it survives panel switches.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ConsoleFrame, FrameKind, LaneId } from "../model";
import { FRAME_KINDS } from "../model";
import { flattenStrings } from "./flat-strings";
import { appendInPlace, DEFAULT_CAP } from "./ring";
import { compileQuery, type TextQuery } from "./text-search";

export interface ConsoleFilters {
  /** Directions shown. */
  directions: { in: boolean; out: boolean };
  /** null = all kinds. */
  kinds: FrameKind[] | null;
  /** null = all lanes. */
  lanes: LaneId[] | null;
  /** Hide XEP-0198 `<r/>`/`<a/>`/`<enable/>`… (kind `sm`). */
  hideSm: boolean;
  /** Case-insensitive substring of the raw text. */
  search: string;
}

const MAX_SEND_HISTORY = 50;

export interface ConsoleState {
  /** Oldest first, at most `cap`; appended in place (the same array until `clear`): follow `frameSeq`. */
  frames: ConsoleFrame[];
  /** Bumped on every change of `frames`. */
  frameSeq: number;
  /** Frames appended since the last clear (dropped ones included): readers that follow `frames` incrementally. */
  appendedTotal: number;
  /** Stream-management frames among `frames` (the console says how many it hides). */
  smCount: number;
  /** Frames dropped from the front by the cap (since the last clear). */
  dropped: number;
  cap: number;
  paused: boolean;
  /** Frames captured while paused (appended in place). */
  buffered: ConsoleFrame[];
  filters: ConsoleFilters;
  /** Raw-send history, newest last. */
  sendHistory: string[];

  /** Playground only: one state update per flush. */
  appendFrames(frames: ConsoleFrame[]): void;
  setDirection(direction: "in" | "out", shown: boolean): void;
  setKindFilter(kinds: FrameKind[] | null): void;
  toggleKind(kind: FrameKind): void;
  setLaneFilter(lanes: LaneId[] | null): void;
  toggleLane(lane: LaneId, allLanes: readonly LaneId[]): void;
  setHideSm(hide: boolean): void;
  setSearch(search: string): void;
  pause(): void;
  resume(): void;
  clear(): void;
  rememberSent(text: string): void;
}

export interface ConsoleStoreOptions {
  cap?: number;
}

/** How the count of stream-management frames changes when `added` is appended to `frames` at the cap. */
function smDelta(frames: readonly ConsoleFrame[], added: readonly ConsoleFrame[], cap: number): number {
  let delta = 0;
  for (const f of added) if (f.kind === "sm") delta += 1;
  // The oldest `excess` of frames-then-added are dropped.
  const excess = frames.length + added.length - cap;
  for (let i = 0; i < excess; i++) if ((i < frames.length ? frames[i] : added[i - frames.length])!.kind === "sm") delta -= 1;
  return delta;
}

export function createConsoleStore(options: ConsoleStoreOptions = {}): StoreApi<ConsoleState> {
  const cap = options.cap ?? DEFAULT_CAP;
  return createStore<ConsoleState>()((set, get) => ({
    frames: [],
    frameSeq: 0,
    appendedTotal: 0,
    smCount: 0,
    dropped: 0,
    cap,
    paused: false,
    buffered: [],
    filters: { directions: { in: true, out: true }, kinds: null, lanes: null, hideSm: true, search: "" },
    sendHistory: [],

    appendFrames: (added) => {
      if (added.length === 0) return;
      flattenStrings(added);
      const s = get();
      if (s.paused) {
        const dropped = appendInPlace(s.buffered, added, cap);
        set({ dropped: s.dropped + dropped });
        return;
      }
      const smCount = s.smCount + smDelta(s.frames, added, cap);
      const dropped = appendInPlace(s.frames, added, cap);
      set({ dropped: s.dropped + dropped, frameSeq: s.frameSeq + 1, appendedTotal: s.appendedTotal + added.length, smCount });
    },
    setDirection: (direction, shown) =>
      set({ filters: { ...get().filters, directions: { ...get().filters.directions, [direction]: shown } } }),
    setKindFilter: (kinds) => set({ filters: { ...get().filters, kinds } }),
    toggleKind: (kind) => {
      const current = get().filters.kinds ?? [...FRAME_KINDS];
      const next = current.includes(kind) ? current.filter((k) => k !== kind) : [...current, kind];
      set({ filters: { ...get().filters, kinds: next.length === FRAME_KINDS.length ? null : next } });
    },
    setLaneFilter: (lanes) => set({ filters: { ...get().filters, lanes } }),
    toggleLane: (lane, allLanes) => {
      const current = get().filters.lanes ?? [...allLanes];
      const next = current.includes(lane) ? current.filter((l) => l !== lane) : [...current, lane];
      set({ filters: { ...get().filters, lanes: allLanes.every((l) => next.includes(l)) ? null : next } });
    },
    setHideSm: (hideSm) => set({ filters: { ...get().filters, hideSm } }),
    setSearch: (search) => set({ filters: { ...get().filters, search } }),
    pause: () => set({ paused: true }),
    resume: () => {
      const s = get();
      const smCount = s.smCount + smDelta(s.frames, s.buffered, cap);
      const dropped = appendInPlace(s.frames, s.buffered, cap);
      set({ paused: false, buffered: [], dropped: s.dropped + dropped, frameSeq: s.frameSeq + 1, appendedTotal: s.appendedTotal + s.buffered.length, smCount });
    },
    clear: () => set({ frames: [], buffered: [], dropped: 0, frameSeq: get().frameSeq + 1, appendedTotal: 0, smCount: 0 }),
    rememberSent: (text) => {
      const history = get().sendHistory.filter((t) => t !== text);
      history.push(text);
      set({ sendHistory: history.slice(-MAX_SEND_HISTORY) });
    },
  }));
}

/** `query`: the filters' search, compiled once per search (text-search.ts). */
export function frameMatches(f: ConsoleFrame, filters: ConsoleFilters, query: TextQuery): boolean {
  if (!filters.directions[f.direction]) return false;
  if (filters.hideSm && f.kind === "sm") return false;
  if (filters.kinds && !filters.kinds.includes(f.kind)) return false;
  if (filters.lanes && !filters.lanes.includes(f.lane)) return false;
  if (query.text && !query.test(f.text)) return false;
  return true;
}

export function filterFrames(frames: readonly ConsoleFrame[], filters: ConsoleFilters): ConsoleFrame[] {
  const query = compileQuery(filters.search);
  return frames.filter((f) => frameMatches(f, filters, query));
}
