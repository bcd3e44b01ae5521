/**
 * Registrations keyed by their enabling session, as ejabberd 23.01's mod_push keeps them (found by
 * the differential run, README "Differential runs"): `enable` stores the record under the session's
 * id and sets that id as the session's `push_id`; `delete_session(LUser, LServer, ID)` deletes every
 * record with that id; `disable` first clears the session's `push_id`, then deletes. The policy opts
 * in (PushPolicy.deletesBySession, disableClearsPushId); for the other policies these are no-ops.
 */
import type { PushPolicy, RegistrationSnapshot } from "../policy/types";

/**
 * `hit` and, when the policy deletes by session, every registration enabled by the same session as
 * one of them, in the account's order.
 */
export function withSessionGroups(policy: PushPolicy, all: readonly RegistrationSnapshot[], hit: readonly RegistrationSnapshot[]): RegistrationSnapshot[] {
  if (!policy.deletesBySession) return all.filter((r) => hit.includes(r));
  const sessions = new Set(hit.map((r) => r.enabledBySessionId));
  return all.filter((r) => hit.includes(r) || sessions.has(r.enabledBySessionId));
}

/** After a disable from `sessionId`: its registrations are held by no session. */
export function clearPushId(registrations: readonly RegistrationSnapshot[], sessionId: string): RegistrationSnapshot[] {
  return registrations.map((r) => (r.enabledBySessionId === sessionId && !r.pushIdCleared ? { ...r, pushIdCleared: true } : r));
}

/** After an enable from `sessionId`: the session's push id is set again and holds all its registrations. */
export function restorePushId(registrations: readonly RegistrationSnapshot[], sessionId: string): RegistrationSnapshot[] {
  return registrations.map((r) => {
    if (r.enabledBySessionId !== sessionId || !r.pushIdCleared) return r;
    const { pushIdCleared: _cleared, ...held } = r;
    return held;
  });
}
