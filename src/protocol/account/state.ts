/**
 * What a server keeps per account for push, besides the sessions and their presence: the
 * registrations in force and the two counters behind the summary's message-count. The reference
 * server holds one per account and the playground rebuilds one per policy to predict; both change
 * it only through the operations of this folder, so they cannot drift apart (docs: push semantics
 * §0.1, "registration").
 *
 * States are values: operations return a new state and never change the one they were given.
 */
import type { DetachedHold, RegistrationKey, RegistrationSnapshot } from "../policy/types";

export interface AccountState {
  /** Registrations in force, least recently enabled first (the order LRU eviction reads). */
  readonly registrations: readonly RegistrationSnapshot[];
  /** Messages pushed since the account last had an online session (spec's message-count). */
  readonly pushedSinceOnline: number;
  /** Messages waiting in offline storage (Tigase's message-count). */
  readonly offlineCount: number;
  /**
   * Added with issue 13, only under a policy with `removalKeepsOtherHolders` (Prosody): registrations
   * gone from the store whose push identifier live sessions still hold. Absent: none.
   */
  readonly detached?: readonly DetachedHold[];
}

export const EMPTY_ACCOUNT: AccountState = { registrations: [], pushedSinceOnline: 0, offlineCount: 0 };

export function sameKey(a: RegistrationKey, b: RegistrationKey): boolean {
  return a.jid === b.jid && a.node === b.node;
}

export function findRegistration(state: AccountState, key: RegistrationKey): RegistrationSnapshot | null {
  return state.registrations.find((r) => sameKey(r, key)) ?? null;
}

/** A deep copy, so a snapshot handed to a log entry never changes with the account. */
export function copyRegistration(r: RegistrationSnapshot): RegistrationSnapshot {
  return {
    ...r,
    ...(r.earlierHolders ? { earlierHolders: [...r.earlierHolders] } : {}),
    publishOptions: r.publishOptions
      ? { ...r.publishOptions, fields: r.publishOptions.fields.map((f) => ({ var: f.var, values: [...f.values] })) }
      : null,
  };
}
