/** The App Server sink: how it answers publishes, and what it has seen. */
import { createStore, type StoreApi } from "zustand/vanilla";
import { DEFAULT_FAULTS, NO_FAULTS, type FaultConfig, type FaultSettings } from "../app-server/faults";
import { PROFILES } from "../app-server/profiles";
import { DEFAULT_PROFILE_SETTINGS, type ProfileId, type ProfileSettings } from "../app-server/types";
import type { SinkCounters, SinkMode } from "../model";

export interface SinkState {
  mode: SinkMode;
  /** The App Server the sink plays; `generic` answers with `mode`. */
  profile: ProfileId;
  profileSettings: ProfileSettings;
  faults: FaultConfig;
  counters: SinkCounters;
  lastPushAt: number | null;
  setMode(mode: SinkMode): void;
  setProfile(profile: ProfileId): void;
  setProfileSettings(settings: ProfileSettings): void;
  /** Faults for one registration node, or for all when `node` is null; null settings clear a node's. */
  setFaults(node: string | null, settings: FaultSettings | null): void;
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
    profile: "generic",
    profileSettings: DEFAULT_PROFILE_SETTINGS,
    faults: DEFAULT_FAULTS,
    counters: ZERO_COUNTERS,
    lastPushAt: null,
    setMode: (mode) => set({ mode }),
    setProfile: (profile) => set({ profile }),
    setProfileSettings: (profileSettings) => set({ profileSettings }),
    setFaults: (node, settings) => {
      const faults = get().faults;
      if (node === null) return set({ faults: { ...faults, all: settings ?? NO_FAULTS } });
      const byNode = { ...faults.byNode };
      if (settings) byNode[node] = settings;
      else delete byNode[node];
      set({ faults: { ...faults, byNode } });
    },
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

/** The publish-options the enable form starts with under the sink's profile (e.g. p2's secret). */
export function enableFormDefaults(state: Pick<SinkState, "profile" | "profileSettings">): { var: string; value: string }[] {
  return PROFILES[state.profile].formDefaults(state.profileSettings);
}
