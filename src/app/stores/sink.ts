/** The App Server sink: how it answers publishes, and what it has seen. */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { SinkCounters, SinkMode } from "../model";

export interface SinkState {
  mode: SinkMode;
  counters: SinkCounters;
  lastPushAt: number | null;
  setMode(mode: SinkMode): void;
  count(patch: Partial<SinkCounters>): void;
  setLastPushAt(at: number): void;
  resetCounters(): void;
}

export const ZERO_COUNTERS: SinkCounters = { received: 0, answeredResult: 0, answeredError: 0, unanswered: 0, malformed: 0 };

/** Errors offered in the sink's answer picker, with what each server does about them (B.4). */
export const SINK_ERROR_PRESETS: readonly { type: "cancel" | "modify" | "auth" | "wait"; condition: string; note: string }[] = [
  { type: "cancel", condition: "item-not-found", note: "permanent: removes the registration (spec, Tigase, ejabberd); Prosody counts to 16" },
  { type: "wait", condition: "internal-server-error", note: "transient: every server keeps the registration" },
  { type: "wait", condition: "resource-constraint", note: "kept by type=wait servers; Tigase removes it by condition" },
  { type: "cancel", condition: "service-unavailable", note: "Tigase keeps by condition; others remove/count by type" },
  { type: "auth", condition: "forbidden", note: "permanent" },
  { type: "auth", condition: "not-authorized", note: "permanent" },
  { type: "modify", condition: "bad-request", note: "Tigase keeps by condition; others remove/count by type" },
];

export function createSinkStore(): StoreApi<SinkState> {
  return createStore<SinkState>()((set, get) => ({
    mode: { kind: "result" },
    counters: ZERO_COUNTERS,
    lastPushAt: null,
    setMode: (mode) => set({ mode }),
    count: (patch) => {
      const c = { ...get().counters };
      for (const [k, v] of Object.entries(patch) as [keyof SinkCounters, number][]) c[k] += v;
      set({ counters: c });
    },
    setLastPushAt: (lastPushAt) => set({ lastPushAt }),
    resetCounters: () => set({ counters: ZERO_COUNTERS, lastPushAt: null }),
  }));
}

export function describeSinkMode(mode: SinkMode): string {
  switch (mode.kind) {
    case "result":
      return "answer result";
    case "error":
      return `answer error ${mode.type}/${mode.condition}`;
    case "timeout":
      return "never answer (the server times out)";
  }
}
