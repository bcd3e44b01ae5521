/**
 * The account's counters and the push decision for one message: spec's message-count (messages
 * pushed since the account last had an online session) and Tigase's (messages in offline storage).
 * They change what a summary says, never who is pushed.
 */
import type { DecisionInput, Delivery, MessageSnapshot, PolicyOptions, PushDecision, PushPolicy, SessionSnapshot } from "../policy/types";
import { isOnline, isReceiving } from "../routing";
import { copyDetached } from "./detached-holds";
import type { AccountState } from "./state";

/** A session of the account became online: "since the account was last online" starts again. */
export function accountOnline(state: AccountState): AccountState {
  return state.pushedSinceOnline === 0 ? state : { ...state, pushedSinceOnline: 0 };
}

/** A message went to offline storage, which keeps at most `cap` (the oldest are dropped). */
export function storedOffline(state: AccountState, cap = Infinity): AccountState {
  return { ...state, offlineCount: Math.min(state.offlineCount + 1, cap) };
}

/** Offline storage was delivered to a session that became receiving, and is empty. */
export function offlineDelivered(state: AccountState): AccountState {
  return state.offlineCount === 0 ? state : { ...state, offlineCount: 0 };
}

/** One push decision led to publishes. */
export function messagePushed(state: AccountState): AccountState {
  return { ...state, pushedSinceOnline: state.pushedSinceOnline + 1 };
}

/**
 * What the sessions show when a message arrives: an online session means the account is online
 * now, and a receiving one has been handed the offline storage (a server delivers it when the
 * session becomes receiving; a predictor that only sees the sessions at message time learns it here).
 */
export function observeSessions(state: AccountState, sessions: readonly SessionSnapshot[], options: PolicyOptions): AccountState {
  let next = state;
  if (sessions.some((s) => isOnline(s, options))) next = accountOnline(next);
  if (sessions.some(isReceiving)) next = offlineDelivered(next);
  return next;
}

export interface MessageContext {
  account: string;
  sessions: SessionSnapshot[];
  message: MessageSnapshot;
  /** How the message was routed; a message stored offline is already counted (`storedOffline`). */
  delivery: Delivery;
  options: PolicyOptions;
}

export interface MessageDecisionResult {
  state: AccountState;
  /** The input the policy decided on (its registrations are the account's, as copies). */
  input: DecisionInput;
  decision: PushDecision;
}

/** The push decision for a message to the account, and the account after it. */
export function decideMessage(state: AccountState, policy: PushPolicy, context: MessageContext): MessageDecisionResult {
  const before = observeSessions(state, context.sessions, context.options);
  const input: DecisionInput = {
    account: context.account,
    sessions: context.sessions,
    registrations: [...before.registrations],
    message: context.message,
    delivery: context.delivery,
    options: context.options,
    pushedSinceOnline: before.pushedSinceOnline,
    offlineCount: before.offlineCount,
    ...(before.detached ? { detached: copyDetached(before) } : {}),
  };
  const decision = policy.decide(input);
  const pushed = decision.verdicts.some((v) => v.push);
  return { state: pushed ? messagePushed(before) : before, input, decision };
}
