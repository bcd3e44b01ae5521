/**
 * Operations on an account's push registrations (XEP-0357 §6, §7, §9 and the App Server's
 * answers), each deciding by the host's PushPolicy: whether an enable or disable is accepted,
 * how the away flag is stored, how many registrations are kept (Prosody's push_max_devices LRU),
 * whether a remote disable counts, and how App Server errors are counted and when they remove.
 */
import type {
  AppServerOutcome,
  AppServerReaction,
  DataForm,
  EnableRequest,
  IqType,
  PushPolicy,
  RegistrationKey,
  RegistrationSnapshot,
  StanzaErrorSpec,
} from "../policy/types";
import { pushIdentifierHolders } from "../policy/common";
import { stanzaError } from "../stanzas/errors";
import { afterRemoval, beforeEnable, releaseSessions } from "./detached-holds";
import { clearPushId, restorePushId, withSessionGroups } from "./session-keyed";
import { copyRegistration, findRegistration, sameKey, type AccountState } from "./state";

export interface EnableOperation {
  /** The request as received (raw attribute values), as the policy validates it. */
  request: EnableRequest;
  /**
   * The push service JID as the server will address it (normalized); null when it is not a JID
   * the server can route to. Absent: `request.jid` as given.
   */
  pushJid?: string | null;
  publishOptions: DataForm | null;
  /** Session that sent the enable, and its resource. */
  sessionId: string;
  resource: string;
  /**
   * The session's key now (`sessionKeyAfter`), when resumptions renew it under the policy
   * (PushPolicy.resumptionRenewsSessionKey); absent or ignored: `sessionId`.
   */
  sessionKey?: string;
}

export type EnableResult =
  | { state: AccountState; refused: StanzaErrorSpec }
  | {
      state: AccountState;
      refused: null;
      registration: RegistrationSnapshot;
      /** A registration with the same jid and node was replaced whole (and is now the most recent). */
      replaced: boolean;
      /** Least recently enabled registrations removed to respect `policy.maxRegistrations`. */
      evicted: RegistrationSnapshot[];
      /** Other registrations of the replaced one's session, removed with it (`policy.deletesBySession`). */
      removedWithSession: RegistrationSnapshot[];
    };

const UNROUTABLE_PUSH_JID: StanzaErrorSpec = stanzaError("jid-malformed", "the push service jid is not a valid JID");

export function enable(state: AccountState, policy: PushPolicy, op: EnableOperation): EnableResult {
  const { request } = op;
  const pushJid = op.pushJid === undefined ? (request.jid ?? null) : op.pushJid;
  // The policy checks presence and shape; the server still needs a routable JID to publish to.
  const refused = policy.validateEnable(request) ?? (pushJid === null ? UNROUTABLE_PUSH_JID : null);
  if (refused || pushJid === null) return { state, refused: refused ?? UNROUTABLE_PUSH_JID };

  const key = policy.resumptionRenewsSessionKey === true && op.sessionKey !== undefined ? op.sessionKey : op.sessionId;
  const registration: RegistrationSnapshot = {
    jid: pushJid,
    node: request.node ?? "",
    away: policy.parseAwayFlag(request.away),
    enabledBySessionId: op.sessionId,
    enabledByResource: op.resource,
    publishOptions: op.publishOptions,
    errorCount: 0,
    ...(key !== op.sessionId ? { sessionKey: key } : {}),
  };
  // Prosody: sessions still holding this key after it left the store hold it again with the new one.
  const { state: start, rejoining } = beforeEnable(policy, state, registration, op.sessionId);
  const same = start.registrations.filter((r) => sameKey(r, registration));
  const previous = findRegistration(start, registration);
  const earlier = previous && policy.earlierEnablersKeepIdentifier ? pushIdentifierHolders(previous, start.registrations).filter((id) => id !== op.sessionId) : [];
  const holdersBefore = [...earlier, ...rejoining.filter((id) => !earlier.includes(id))];
  if (holdersBefore.length > 0) registration.earlierHolders = holdersBefore;
  const dropped = withSessionGroups(policy, start.registrations, same);
  // The enabling session's identifier is this registration now, no longer an earlier one.
  const kept = start.registrations.filter((r) => !dropped.includes(r)).map((r) => withoutEarlierHolder(r, op.sessionId));
  // The earlier holders' identifier stays this key: none of their own other registrations is held.
  const released = policy.earlierEnablersKeepIdentifier ? releaseSessions(kept, earlier) : kept;
  // ejabberd: the session's push id is this key now, which may not be the key of its older ones.
  const others = policy.disableClearsPushId || policy.resumptionRenewsSessionKey ? restorePushId(released, op.sessionId, key) : released;
  const replaced = same.length > 0;
  const all = [...others, copyRegistration(registration)];
  const overflow = Math.max(0, all.length - Math.max(0, policy.maxRegistrations));
  const evicted = all.slice(0, overflow);
  return {
    // Prosody's LRU eviction clears no session's push identifier.
    state: afterRemoval(policy, { ...start, registrations: all.slice(overflow) }, all, evicted, () => true),
    refused: null,
    registration,
    replaced,
    evicted,
    removedWithSession: dropped.filter((r) => !same.includes(r)),
  };
}

function withoutEarlierHolder(reg: RegistrationSnapshot, sessionId: string): RegistrationSnapshot {
  if (!reg.earlierHolders?.includes(sessionId)) return reg;
  const earlierHolders = reg.earlierHolders.filter((id) => id !== sessionId);
  const { earlierHolders: _dropped, ...rest } = reg;
  return earlierHolders.length > 0 ? { ...rest, earlierHolders } : rest;
}

export interface DisableOperation {
  iqType: IqType;
  /** The push service JID (normalized as the server compares it); undefined when the request had none. */
  jid?: string;
  /** One node, or undefined for every node of `jid`. */
  node?: string;
  /** The session that sent it (`policy.disableClearsPushId`); absent: a disable no session sent. */
  sessionId?: string;
}

export interface DisableResult {
  state: AccountState;
  refused: StanzaErrorSpec | null;
  /**
   * Registrations removed, in the account's order; empty when it matched none. With
   * `policy.deletesBySession` also the other registrations of a matched one's session.
   */
  removed: RegistrationSnapshot[];
}

export function disable(state: AccountState, policy: PushPolicy, op: DisableOperation): DisableResult {
  const { jid, node } = op;
  const matched = jid === undefined ? [] : state.registrations.filter((r) => r.jid === jid && (node === undefined || r.node === node));
  const refused = policy.validateDisable({ iqType: op.iqType, jid, node, matched: matched.length });
  // ejabberd clears the session's push id before it looks the registration up: a disable that
  // matches nothing clears it too, one refused before (a bad jid, type get) does not.
  const clears =
    policy.disableClearsPushId === true && op.sessionId !== undefined && policy.validateDisable({ iqType: op.iqType, jid, node, matched: Math.max(1, matched.length) }) === null;
  const registrations = clears && op.sessionId !== undefined ? clearPushId(state.registrations, op.sessionId) : state.registrations;
  if (refused) return { state: clears ? { ...state, registrations } : state, refused, removed: [] };
  const removed = withSessionGroups(policy, registrations, registrations.filter((r) => matched.some((m) => sameKey(m, r))));
  const next = { ...state, registrations: registrations.filter((r) => !removed.includes(r)) };
  // Prosody clears only the disabling session's push identifier; other holders keep pushing it.
  return { state: afterRemoval(policy, next, registrations, removed, (id) => id !== op.sessionId), refused: null, removed };
}

/** Removes one registration whatever the policy (the server reported it gone, a remote disable was honoured). */
export function removeRegistration(state: AccountState, key: RegistrationKey): { state: AccountState; removed: RegistrationSnapshot | null } {
  const removed = findRegistration(state, key);
  if (!removed) return { state, removed: null };
  return { state: { ...state, registrations: state.registrations.filter((r) => r !== removed) }, removed };
}

export interface RemoteDisableResult {
  state: AccountState;
  /** false: the policy ignores XEP-0357 §9, and the message is routed like any other. */
  honoured: boolean;
  removed: RegistrationSnapshot | null;
}

/** The App Server's XEP-0357 §9 "affiliation none" notification for `key`. */
export function remoteDisable(state: AccountState, policy: PushPolicy, key: RegistrationKey): RemoteDisableResult {
  if (!policy.honoursRemoteDisable) return { state, honoured: false, removed: null };
  return { ...removeRegistration(state, key), honoured: true };
}

export interface AppServerAnswerResult {
  state: AccountState;
  reaction: AppServerReaction;
  /** The registration the answer applied to; null when it was gone already (nothing changed). */
  current: RegistrationSnapshot | null;
  /** The registration as removed (with its final error count) when the policy removes it. */
  removed: RegistrationSnapshot | null;
  /** Other registrations of its session, removed with it (`policy.deletesBySession`). */
  removedWithSession: RegistrationSnapshot[];
}

/**
 * Folds the App Server's answer to one publish into the registration's error count, removing it
 * when the policy says so. `published` is the registration as it was when the publish went out,
 * which the policy judges when the registration is gone by the time the answer comes.
 */
export function appServerAnswer(
  state: AccountState,
  policy: PushPolicy,
  key: RegistrationKey,
  outcome: AppServerOutcome,
  published?: RegistrationSnapshot,
): AppServerAnswerResult {
  const current = findRegistration(state, key);
  const judged = current ?? published;
  const reaction = judged ? policy.onAppServerOutcome(judged, outcome) : { action: "keep" as const, errorCount: 0, why: "no such registration" };
  if (!current) return { state, reaction, current: null, removed: null, removedWithSession: [] };
  const updated = { ...current, errorCount: reaction.errorCount };
  if (reaction.action === "remove") {
    const gone = withSessionGroups(policy, state.registrations, [current]);
    const removedWithSession = gone.filter((r) => r !== current);
    const next = { ...state, registrations: state.registrations.filter((r) => !gone.includes(r)) };
    // Prosody's handle_push_error clears the push identifier of every session holding it.
    return { state: afterRemoval(policy, next, state.registrations, gone, () => false), reaction, current, removed: updated, removedWithSession };
  }
  return { state: { ...state, registrations: state.registrations.map((r) => (r === current ? updated : r)) }, reaction, current, removed: null, removedWithSession: [] };
}
