/**
 * Registrations keyed by their enabling session, as ejabberd 23.01's mod_push keeps them (found by
 * the differential run, README "Differential runs"): `enable` stores the record under the session's
 * id and sets that id as the session's `push_id`; `delete_session(LUser, LServer, ID)` deletes every
 * record with that id; `disable` first clears the session's `push_id`, then deletes. The policy opts
 * in (PushPolicy.deletesBySession, disableClearsPushId); for the other policies these are no-ops.
 *
 * The id is the sid of the c2s process (`ejabberd_sm:get_session_sid`), and a session resumed over
 * XEP-0198 is a new process with a new sid whose push id is the old one (`c2s_copy_session`,
 * `c2s_session_resumed`) until it enables again (PushPolicy.resumptionRenewsSessionKey): one
 * session may then hold registrations under two keys, and only those under its push id are held.
 */
import type { PushPolicy, RegistrationSnapshot } from "../policy/types";

/** The key a registration is stored under (and deleted by). */
export function sessionKeyOf(reg: RegistrationSnapshot): string {
  return reg.sessionKey ?? reg.enabledBySessionId;
}

/**
 * The key of a session after `resumptions` XEP-0198 resumptions, under a policy that renews it on
 * each (ejabberd's new sid); the session id itself before any. The reference server and the
 * playground's predictions name keys alike, so their registrations compare equal.
 */
export function sessionKeyAfter(sessionId: string, resumptions: number): string {
  return resumptions > 0 ? `${sessionId}~resumed-${resumptions}` : sessionId;
}

/**
 * `hit` and, when the policy deletes by session, every registration stored under the same key as
 * one of them, in the account's order.
 */
export function withSessionGroups(policy: PushPolicy, all: readonly RegistrationSnapshot[], hit: readonly RegistrationSnapshot[]): RegistrationSnapshot[] {
  if (!policy.deletesBySession) return all.filter((r) => hit.includes(r));
  const keys = new Set(hit.map(sessionKeyOf));
  return all.filter((r) => hit.includes(r) || keys.has(sessionKeyOf(r)));
}

/** After a disable from `sessionId`: its registrations, under any of its keys, are held by no session. */
export function clearPushId(registrations: readonly RegistrationSnapshot[], sessionId: string): RegistrationSnapshot[] {
  return registrations.map((r) => (r.enabledBySessionId === sessionId && !r.pushIdCleared ? { ...r, pushIdCleared: true } : r));
}

/**
 * After an enable from `sessionId` stored under `key`: the session's push id is `key`, which holds
 * the registrations stored under it again; those it stored under an earlier key (before a
 * resumption) are held by no session from now on.
 */
export function restorePushId(registrations: readonly RegistrationSnapshot[], sessionId: string, key: string = sessionId): RegistrationSnapshot[] {
  return registrations.map((r) => {
    if (r.enabledBySessionId !== sessionId) return r;
    if (sessionKeyOf(r) !== key) return r.pushIdCleared ? r : { ...r, pushIdCleared: true, pushIdMoved: true };
    if (!r.pushIdCleared) return r;
    const { pushIdCleared: _cleared, pushIdMoved: _moved, ...held } = r;
    return held;
  });
}
