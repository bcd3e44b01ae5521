/**
 * React hooks over the stores. They read the stores given by <StoresContext.Provider> (the
 * PlaygroundProvider gives the Playground's; there is no app-wide fallback). Selectors returning new objects must be wrapped
 * in `useShallow` (zustand 5 compares by identity).
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "zustand";
import type { Stores } from "./index";
import type { ConsoleState } from "./console";
import type { DiscoState } from "./disco";
import type { ExpectationsState } from "./expectations";
import type { ExplanationsState } from "./explanations";
import type { ProfileState } from "./profile";
import type { RegistrationsState } from "./registrations";
import type { ScenariosState } from "./scenarios";
import type { SessionsState } from "./sessions";
import type { OutsideState } from "./outside";
import type { SinkState } from "./sink";
import { selectViewEvents, type TimelineState } from "./timeline";
import { createVisibleTimeline, type VisibleTimeline } from "./visible-timeline";
import { createVisibleFrames, type VisibleFrames } from "./visible-frames";
import { nextTask } from "../playground/slices";

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error("the stores hooks need a <PlaygroundProvider> (or <StoresContext.Provider>) above them.");
  return stores;
}

export function useProfileStore<T>(selector: (s: ProfileState) => T): T {
  return useStore(useStores().profile, selector);
}
export function useSessionsStore<T>(selector: (s: SessionsState) => T): T {
  return useStore(useStores().sessions, selector);
}
export function useOutsideStore<T>(selector: (s: OutsideState) => T): T {
  return useStore(useStores().outside, selector);
}
export function useDiscoStore<T>(selector: (s: DiscoState) => T): T {
  return useStore(useStores().disco, selector);
}
export function useRegistrationsStore<T>(selector: (s: RegistrationsState) => T): T {
  return useStore(useStores().registrations, selector);
}
export function useSinkStore<T>(selector: (s: SinkState) => T): T {
  return useStore(useStores().sink, selector);
}
export function useTimelineStore<T>(selector: (s: TimelineState) => T): T {
  return useStore(useStores().timeline, selector);
}
export function useConsoleStore<T>(selector: (s: ConsoleState) => T): T {
  return useStore(useStores().console, selector);
}
export function useExpectationsStore<T>(selector: (s: ExpectationsState) => T): T {
  return useStore(useStores().expectations, selector);
}
export function useExplanationsStore<T>(selector: (s: ExplanationsState) => T): T {
  return useStore(useStores().explanations, selector);
}
export function useScenariosStore<T>(selector: (s: ScenariosState) => T): T {
  return useStore(useStores().scenarios, selector);
}

/**
 * A selector that returns its previous result while `equal` says nothing the reader shows changed
 * (zustand's useShallow with another comparison): e.g. the resources a picker lists re-render it
 * when one connects, not each time one of them receives a message.
 */
export function useSelectEqual<S, T>(selector: (s: S) => T, equal: (a: T, b: T) => boolean): (s: S) => T {
  const last = useRef<{ value: T } | null>(null);
  return (state) => {
    const next = selector(state);
    if (last.current && equal(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
}

/** `useSelectEqual`'s comparison for lists of objects: same length, and the same `keys` pairwise. */
export function sameListBy<T extends object>(...keys: (keyof T)[]): (a: readonly T[], b: readonly T[]) => boolean {
  return (a, b) => a.length === b.length && a.every((x, i) => keys.every((k) => x[k] === b[i]![k]));
}

/**
 * Events of the current view after lane/kind/search filters, with an id → position lookup, kept
 * up to date incrementally (visible-timeline.ts). Live events arriving under the imported view do
 * not re-render or re-filter it. The returned object is new whenever the rows changed (its
 * `events` array may be the same one, grown in place): depend on the object.
 */
export function useVisibleTimeline(): VisibleTimeline {
  const stores = useStores();
  const viewEvents = useTimelineStore(selectViewEvents);
  const view = useTimelineStore((s) => s.view);
  const filters = useTimelineStore((s) => s.filters);
  const liveSeq = useTimelineStore((s) => (s.view === "live" ? s.liveSeq : -1));
  // A new object per chunk while a file streams in (its events grow in place).
  const imported = useTimelineStore((s) => (s.view === "imported" ? s.imported : null));
  const [compute] = useState(() => createVisibleTimeline());
  // A pass over the whole view runs in slices, between the page's other tasks (visible-timeline.ts).
  const [progress, showProgress] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the inputs of `compute`, read from the store
  const visible = useMemo(() => compute(stores.timeline.getState()), [compute, stores, viewEvents, view, filters, liveSeq, imported, progress]);
  useEffect(() => {
    if (visible.complete) return;
    return runSlices(() => compute(stores.timeline.getState()), () => showProgress((n) => n + 1));
  }, [visible, compute, stores]);
  return visible;
}

/** While a pass runs: how often the matches found so far are shown (a render per slice cost more than the slice). */
const PROGRESS_MS = 100;

/**
 * Run a pass's next slices, one per task (a keystroke or a socket frame runs between two), without
 * rendering each: `show` when it is complete, or after PROGRESS_MS to show the matches so far.
 * Returns the cancel (a newer render took over).
 */
function runSlices(slice: () => VisibleTimeline, show: () => void): () => void {
  let cancelled = false;
  const since = performance.now();
  const next = () => {
    if (cancelled) return;
    const result = slice();
    if (result.complete || performance.now() - since >= PROGRESS_MS) show();
    else void nextTask().then(next);
  };
  void nextTask().then(next);
  return () => {
    cancelled = true;
  };
}

/**
 * Console frames after direction/kind/lane/SM/search filters, kept up to date incrementally
 * (visible-frames.ts); a new object whenever they changed (the array itself grows in place).
 */
export function useVisibleFrames(): VisibleFrames {
  const stores = useStores();
  const frames = useConsoleStore((s) => s.frames);
  const frameSeq = useConsoleStore((s) => s.frameSeq);
  const filters = useConsoleStore((s) => s.filters);
  const [compute] = useState(createVisibleFrames);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the inputs of `compute`, read from the store
  return useMemo(() => compute(stores.console.getState()), [compute, stores, frames, frameSeq, filters]);
}
