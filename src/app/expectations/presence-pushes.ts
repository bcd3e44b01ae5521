/**
 * Pushes that no message causes, predicted for a real server (which keeps no decision log): a
 * presence of one of the account's resources goes into the queue of each hibernated (XEP-0198
 * detached) session that had sent presence, and Prosody (after its ~1 s batch) and ejabberd (at
 * once) push that session's registration for it. The same pure code decides as on the reference
 * server (server/session/push/push-module.ts `presenceQueued`): the policy's `onStanzaQueued`,
 * `unavailableHandling` for an unavailable presence, and the registrations replayed through the
 * account model (`registrationsUnder`).
 */
import { POLICIES } from "../../protocol/policy";
import { unavailableHandling } from "../../protocol/policy/prosody-presence";
import {
  POLICY_NAMES,
  type PolicyName,
  type PolicyOptions,
  type PresenceState,
  type RegistrationKey,
  type SessionSnapshot,
  type SummaryFields,
} from "../../protocol/policy/types";
import { nonMessagePushSentence, type QueuedPresenceCause } from "../../protocol/explain/non-message";
import { registrationsUnder, type RegistrationFacts } from "./predict";

export interface PresencePushInput {
  account: string;
  /** The account's sessions just before the presence (the sender's presence is the one it had). */
  sessions: readonly SessionSnapshot[];
  registrations: readonly RegistrationFacts[];
  options: PolicyOptions;
  /** The policy the connected server names, when known; null predicts under every policy. */
  serverPolicy: PolicyName | null;
  /** The sending session (`sessions` holds it) and what to call it. */
  senderSessionId: string;
  senderLabel: string;
  /** The presence sent: its state, or null for `type='unavailable'`. */
  presence: PresenceState | null;
}

/** One push a policy predicts for the presence. */
export interface PredictedPresencePush {
  policy: PolicyName;
  key: RegistrationKey;
  summary: SummaryFields;
  /** After the presence (Prosody's batch timer). */
  delayMs: number;
  rule: string;
  /** The policy's own reason. */
  reason: string;
  cause: QueuedPresenceCause;
  /** "pushed because the presence of laptop was queued to hibernated phone (…)". */
  sentence: string;
}

/** The sessions after the presence: the sender's changes unless the server only relays it. */
function sessionsAfter(input: PresencePushInput, relay: boolean): SessionSnapshot[] {
  return input.sessions.map((s) => (s.sessionId !== input.senderSessionId || relay ? s : { ...s, presence: input.presence ? { ...input.presence } : null }));
}

function underPolicy(name: PolicyName, input: PresencePushInput): PredictedPresencePush[] {
  const policy = POLICIES[name];
  if (!policy.onStanzaQueued) return [];
  const sender = input.sessions.find((s) => s.sessionId === input.senderSessionId);
  if (!sender) return [];
  const handling = input.presence ? "announce" : unavailableHandling(policy, sender.presence !== null);
  if (handling === "drop") return [];
  const sessions = sessionsAfter(input, handling === "relay");
  const { inForce, detached } = registrationsUnder(policy, input.registrations, { account: input.account, serverPolicy: input.serverPolicy });
  const predicted: PredictedPresencePush[] = [];
  // RFC 6121 §4.2.2: the broadcast goes to the sessions that sent presence, hibernated ones included.
  for (const other of sessions) {
    if (other.sessionId === input.senderSessionId || other.state !== "hibernated" || other.presence === null) continue;
    const decision = policy.onStanzaQueued({
      account: input.account,
      sessions,
      registrations: inForce,
      sessionId: other.sessionId,
      queued: [{ name: "presence" }],
      options: input.options,
      ...(detached && detached.length > 0 ? { detached: [...detached] } : {}),
    });
    if (!decision) continue;
    const cause: QueuedPresenceCause = { kind: "presence-queued", from: input.senderLabel, to: other.resource, unavailable: input.presence === null, relayed: handling === "relay" };
    for (const push of decision.pushes) {
      predicted.push({
        policy: name,
        key: push.key,
        summary: push.summary,
        delayMs: decision.delayMs ?? 0,
        rule: decision.rule,
        reason: decision.reason,
        cause,
        sentence: nonMessagePushSentence(name, cause),
      });
    }
  }
  return predicted;
}

/** Every push the presence would cause, under the server's policy or (unknown) under each policy that has one. */
export function predictPresencePushes(input: PresencePushInput): PredictedPresencePush[] {
  const names = input.serverPolicy ? [input.serverPolicy] : POLICY_NAMES;
  return names.flatMap((name) => underPolicy(name, input));
}
