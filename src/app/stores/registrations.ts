/** Push registrations as the playground knows them, plus the last enable/disable result. */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { KnownRegistration, OperationResult } from "../model";

export interface RegistrationsState {
  registrations: KnownRegistration[];
  lastResult: OperationResult | null;
  /** An enable/disable is in flight. */
  pending: boolean;
  /** Insert or replace by (jid, node): a new enable replaces the old registration whole (§0.1). */
  upsert(reg: KnownRegistration): void;
  /** Set the state of one registration, or of every registration of `jid` when node is null. */
  setState(jid: string, node: string | null, state: KnownRegistration["state"], note?: string): void;
  recordPush(jid: string, node: string, at: number): void;
  setLastResult(result: OperationResult): void;
  setPending(pending: boolean): void;
  /** Forget registrations that are no longer active. */
  pruneInactive(): void;
  clear(): void;
}

const sameKey = (r: KnownRegistration, jid: string, node: string) => r.jid === jid && r.node === node;

export function createRegistrationsStore(): StoreApi<RegistrationsState> {
  return createStore<RegistrationsState>()((set, get) => ({
    registrations: [],
    lastResult: null,
    pending: false,
    upsert: (reg) => {
      const list = get().registrations;
      const idx = list.findIndex((r) => sameKey(r, reg.jid, reg.node));
      set({ registrations: idx < 0 ? [...list, reg] : list.map((r, i) => (i === idx ? reg : r)) });
    },
    setState: (jid, node, state, note) =>
      set({
        registrations: get().registrations.map((r) =>
          r.jid === jid && (node === null || r.node === node) ? { ...r, state, ...(note !== undefined ? { note } : {}) } : r,
        ),
      }),
    recordPush: (jid, node, at) =>
      set({
        registrations: get().registrations.map((r) =>
          sameKey(r, jid, node) ? { ...r, pushCount: r.pushCount + 1, lastPushAt: at } : r,
        ),
      }),
    setLastResult: (lastResult) => set({ lastResult, pending: false }),
    setPending: (pending) => set({ pending }),
    pruneInactive: () => set({ registrations: get().registrations.filter((r) => r.state === "active") }),
    clear: () => set({ registrations: [], lastResult: null, pending: false }),
  }));
}
