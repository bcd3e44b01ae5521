/** Push registrations as the playground knows them, plus the last enable/disable result. */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { KnownRegistration, OperationResult } from "../model";
import type { LoggedRemoval, ObservedAnswer } from "../playground/registration-health";

/** Answers kept per registration: enough to show Prosody's 16 errors with room to spare. */
export const ANSWERS_PER_REGISTRATION = 40;

/** The store's key of a registration (jid and node). */
export function registrationKeyId(jid: string, node: string): string {
  return `${jid}\u0000${node}`;
}

export interface RegistrationsState {
  registrations: KnownRegistration[];
  lastResult: OperationResult | null;
  /** An enable/disable is in flight. */
  pending: boolean;
  /** App Server answers per registration (registrationKeyId) as the server's log reports them, since the last enable. */
  answers: Record<string, ObservedAnswer[]>;
  /** Removals the server's log reports, per registration (registrationKeyId). */
  removals: Record<string, LoggedRemoval>;
  /** Insert or replace by (jid, node): a new enable replaces the old registration whole (§0.1). */
  upsert(reg: KnownRegistration): void;
  /** Set the state of one registration, or of every registration of `jid` when node is null. */
  setState(jid: string, node: string | null, state: KnownRegistration["state"], note?: string): void;
  recordPush(jid: string, node: string, at: number): void;
  /** Several pushes at once (the sink's since the last flush): one store update. */
  recordPushes(pushes: readonly { jid: string; node: string; at: number }[]): void;
  /** The server's log reports the App Server's answer to a publish for this registration. */
  recordAnswer(jid: string, node: string, answer: ObservedAnswer): void;
  /** The server's log reports it removed this registration. */
  recordRemoval(jid: string, node: string, removal: LoggedRemoval): void;
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
    answers: {},
    removals: {},
    upsert: (reg) => {
      const { registrations: list, answers, removals } = get();
      const idx = list.findIndex((r) => sameKey(r, reg.jid, reg.node));
      // A new enable starts the registration afresh: its health history goes with the old one.
      const id = registrationKeyId(reg.jid, reg.node);
      set({ registrations: idx < 0 ? [...list, reg] : list.map((r, i) => (i === idx ? reg : r)), answers: without(answers, id), removals: without(removals, id) });
    },
    setState: (jid, node, state, note) =>
      set({
        registrations: get().registrations.map((r) =>
          r.jid === jid && (node === null || r.node === node) ? { ...r, state, ...(note !== undefined ? { note } : {}) } : r,
        ),
      }),
    recordPush: (jid, node, at) => get().recordPushes([{ jid, node, at }]),
    recordPushes: (pushes) => {
      if (pushes.length === 0) return;
      set({
        registrations: get().registrations.map((r) => {
          let count = 0;
          let last = 0;
          for (const p of pushes) {
            if (!sameKey(r, p.jid, p.node)) continue;
            count += 1;
            last = Math.max(last, p.at);
          }
          return count === 0 ? r : { ...r, pushCount: r.pushCount + count, lastPushAt: Math.max(r.lastPushAt ?? 0, last) };
        }),
      });
    },
    recordAnswer: (jid, node, answer) => {
      const id = registrationKeyId(jid, node);
      const answers = get().answers;
      set({ answers: { ...answers, [id]: [...(answers[id] ?? []), answer].slice(-ANSWERS_PER_REGISTRATION) } });
    },
    recordRemoval: (jid, node, removal) => set({ removals: { ...get().removals, [registrationKeyId(jid, node)]: removal } }),
    setLastResult: (lastResult) => set({ lastResult, pending: false }),
    setPending: (pending) => set({ pending }),
    pruneInactive: () => {
      const { registrations, answers, removals } = get();
      const kept = registrations.filter((r) => r.state === "active");
      const ids = new Set(kept.map((r) => registrationKeyId(r.jid, r.node)));
      set({ registrations: kept, answers: onlyKeys(answers, ids), removals: onlyKeys(removals, ids) });
    },
    clear: () => set({ registrations: [], lastResult: null, pending: false, answers: {}, removals: {} }),
  }));
}

function without<T>(record: Record<string, T>, id: string): Record<string, T> {
  if (!(id in record)) return record;
  const { [id]: _gone, ...rest } = record;
  return rest;
}

function onlyKeys<T>(record: Record<string, T>, ids: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([id]) => ids.has(id)));
}
