/**
 * The console frames shown (after direction, kind, lane, stream-management and search filters),
 * kept up to date in O(new frames): the console store appends in place, so a flush only matches
 * its own frames, and drops at the cap only remove from the front. A change of filters, or a clear,
 * filters everything once.
 */
import type { ConsoleFrame } from "../model";
import { frameMatches, type ConsoleFilters, type ConsoleState } from "./console";
import { compileQuery, type TextQuery } from "./text-search";

export interface VisibleFrames {
  frames: readonly ConsoleFrame[];
  /** Where a frame is in `frames` (-1: not shown), without scanning. */
  indexOf(id: string): number;
}

type Source = Pick<ConsoleState, "frames" | "filters" | "appendedTotal">;

export function createVisibleFrames(): (s: Source) => VisibleFrames {
  let source: readonly ConsoleFrame[] | null = null;
  let filters: ConsoleFilters | null = null;
  let total = 0;
  let length = 0;
  // Shown frames, and each one's absolute position in the store (appended-since-clear count).
  let shown: ConsoleFrame[] = [];
  let shownAbs: number[] = [];
  // id → absolute position in `shown` (its index plus `shownBase`).
  let positions = new Map<string, number>();
  let shownBase = 0;

  // The search compiled once per filters object (a flush matches its frames with the same one).
  let compiled: { filters: ConsoleFilters; query: TextQuery } | null = null;
  const queryOf = (f: ConsoleFilters): TextQuery => {
    if (compiled?.filters !== f) compiled = { filters: f, query: compileQuery(f.search) };
    return compiled.query;
  };

  const result = (): VisibleFrames => {
    const map = positions;
    const base = shownBase;
    return { frames: shown, indexOf: (id) => (map.has(id) ? map.get(id)! - base : -1) };
  };

  function add(frame: ConsoleFrame, abs: number, query: TextQuery, f: ConsoleFilters): void {
    if (!frameMatches(frame, f, query)) return;
    positions.set(frame.id, shownBase + shown.length);
    shown.push(frame);
    shownAbs.push(abs);
  }

  function full(s: Source): VisibleFrames {
    shown = [];
    shownAbs = [];
    positions = new Map();
    shownBase = 0;
    const query = queryOf(s.filters);
    const first = s.appendedTotal - s.frames.length;
    for (let i = 0; i < s.frames.length; i++) add(s.frames[i]!, first + i, query, s.filters);
    return result();
  }

  /** Catch up with appends and front drops since the last read; false when that is not possible. */
  function catchUp(s: Source): boolean {
    const appended = s.appendedTotal - total;
    if (appended < 0 || appended > s.frames.length) return false;
    const dropped = length + appended - s.frames.length;
    if (dropped < 0) return false;
    const base = s.appendedTotal - s.frames.length;
    let gone = 0;
    while (gone < shownAbs.length && shownAbs[gone]! < base) positions.delete(shown[gone++]!.id);
    if (gone > 0) {
      shown.splice(0, gone);
      shownAbs.splice(0, gone);
      shownBase += gone;
    }
    const query = queryOf(s.filters);
    for (let i = s.frames.length - appended; i < s.frames.length; i++) add(s.frames[i]!, base + i, query, s.filters);
    return true;
  }

  return (s) => {
    const same = source === s.frames && filters === s.filters;
    const out = same && catchUp(s) ? result() : full(s);
    source = s.frames;
    filters = s.filters;
    total = s.appendedTotal;
    length = s.frames.length;
    return out;
  };
}
