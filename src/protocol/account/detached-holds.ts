/**
 * Prosody's per-session push identifiers after a registration leaves the store (issue 13, seen
 * on Prosody 0.12 by the differential harness; PushPolicy.removalKeepsOtherHolders). mod_cloud_notify
 * keeps `session.push_identifier` and `session.push_settings` on each session that enabled a key;
 * `push_disable` clears them only on the disabling session (`if origin.push_identifier == key`), the
 * store's LRU eviction on none, `handle_push_error` on every holder. A session left holding a key
 * the store no longer has still pushes it through its smacks queue (`process_stanza_queue` builds
 * `{[session.push_identifier] = session.push_settings}`), and holds nothing else: its older
 * registrations count as held by nobody (the MAM hook pushes them).
 */
import { pushIdentifierHolders } from "../policy/common";
import type { DetachedHold, PushPolicy, RegistrationKey, RegistrationSnapshot } from "../policy/types";
import { copyRegistration, sameKey, type AccountState } from "./state";

/** The account with `detached` as its detached holds (the field left out when there are none). */
function withDetached(state: AccountState, detached: readonly DetachedHold[]): AccountState {
  const { detached: _old, ...rest } = state;
  return detached.length > 0 ? { ...rest, detached } : rest;
}

/** Registrations `sessions` enabled no longer count as held by them: their push identifier is another key, or none. */
export function releaseSessions(registrations: readonly RegistrationSnapshot[], sessions: readonly string[]): RegistrationSnapshot[] {
  return registrations.map((r) => (sessions.includes(r.enabledBySessionId) && r.pushIdCleared !== true ? { ...r, pushIdCleared: true } : r));
}

/**
 * After `removed` left the store (`before`: the registrations as they were): the sessions holding
 * one of them hold none of their own other registrations, and those `keeps` says still hold its
 * identifier keep it as a detached hold. Only under `removalKeepsOtherHolders`.
 */
export function afterRemoval(
  policy: PushPolicy,
  state: AccountState,
  before: readonly RegistrationSnapshot[],
  removed: readonly RegistrationSnapshot[],
  keeps: (sessionId: string) => boolean,
): AccountState {
  if (policy.removalKeepsOtherHolders !== true || removed.length === 0) return state;
  let registrations: readonly RegistrationSnapshot[] = state.registrations;
  let detached = [...(state.detached ?? [])];
  for (const r of removed) {
    const holders = pushIdentifierHolders(r, before);
    registrations = releaseSessions(registrations, holders);
    const kept = holders.filter(keeps);
    detached = detached.filter((d) => !sameKey(d.registration, r));
    if (kept.length > 0) detached.push({ registration: copyRegistration(r), holders: kept });
  }
  return withDetached({ ...state, registrations }, detached);
}

/**
 * Before `sessionId` enables `key`: it lets go of the key it held (its push identifier changes),
 * and the sessions still holding a detached `key` become earlier holders of the new registration.
 */
export function beforeEnable(policy: PushPolicy, state: AccountState, key: RegistrationKey, sessionId: string): { state: AccountState; rejoining: string[] } {
  if (policy.removalKeepsOtherHolders !== true || !state.detached) return { state, rejoining: [] };
  const same = state.detached.find((d) => sameKey(d.registration, key));
  const rejoining = (same?.holders ?? []).filter((id) => id !== sessionId);
  const detached = state.detached
    .filter((d) => d !== same)
    .map((d) => ({ ...d, holders: d.holders.filter((id) => id !== sessionId) }))
    .filter((d) => d.holders.length > 0);
  return { state: withDetached(state, detached), rejoining };
}

/** The session ended for good: it holds nothing any more. */
export function sessionEnded(state: AccountState, sessionId: string): AccountState {
  if (!state.detached?.some((d) => d.holders.includes(sessionId))) return state;
  const detached = state.detached.map((d) => ({ ...d, holders: d.holders.filter((id) => id !== sessionId) })).filter((d) => d.holders.length > 0);
  return withDetached(state, detached);
}

/** The detached hold of `key`, if sessions still hold it. */
export function findDetached(state: AccountState, key: RegistrationKey): DetachedHold | null {
  return state.detached?.find((d) => sameKey(d.registration, key)) ?? null;
}

/** Copies, so a snapshot handed to a decision or a log entry never changes with the account. */
export function copyDetached(state: AccountState): DetachedHold[] {
  return (state.detached ?? []).map((d) => ({ registration: copyRegistration(d.registration), holders: [...d.holders] }));
}

/** The sessions holding `key`'s push identifier: a stored registration's holders, or a detached one's. */
export function holdersOfKey(state: AccountState, key: RegistrationKey): string[] {
  const stored = state.registrations.find((r) => sameKey(r, key));
  if (stored) return pushIdentifierHolders(stored, state.registrations);
  return [...(findDetached(state, key)?.holders ?? [])];
}
