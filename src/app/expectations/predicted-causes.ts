/**
 * The presences whose pushes were predicted (presence-pushes.ts), waiting for the sink: a push the
 * sink receives is tied to the presence whose prediction it fits (registration, summary shape,
 * time) instead of to a message by guesswork. A prediction is used once: Prosody's batch folds the
 * presences queued within its 1 s into the one push, ejabberd pushes each.
 */
import type { PolicyName, SummaryFields } from "../../protocol/policy/types";
import type { PushEvent } from "../model";
import { keyId } from "./keys";
import type { PredictedPresencePush } from "./presence-pushes";

/** A presence the playground sent (its timeline event) and the pushes predicted for it. */
export interface PresencePrediction {
  eventId: string;
  at: number;
  pushes: readonly PredictedPresencePush[];
}

/** What the sink saw of a push. */
export interface ObservedPushFacts {
  /** The publish iq's `to`: the registration's jid. */
  to: string;
  node: string | null;
  at: number;
  notification: PushEvent["notification"];
}

export interface PredictedCause {
  /** The presence's timeline event. */
  eventId: string;
  policies: PolicyName[];
  /** "predicted: pushed because …", for the push's detail. */
  detail: string;
}

export interface PredictedCauses {
  /**
   * A presence and its predicted pushes. Returns the pushes already recorded (`unexplained`) that
   * its prediction explains, each with its cause: ejabberd pushes at once, so the push may reach
   * the sink before the playground has recorded the presence (a disconnect's event comes once the
   * close is done).
   */
  add(prediction: PresencePrediction): { pushEventId: string; cause: PredictedCause }[];
  /** The presence this push fits, consumed; null when none does. */
  match(push: ObservedPushFacts): PredictedCause | null;
  /** A push no prediction explained when it came: a presence recorded just after may still. */
  unexplained(pushEventId: string, push: ObservedPushFacts): void;
  /** The server's log linked this push: no prediction takes it any more. */
  explained(pushEventId: string): void;
  readonly size: number;
}

/**
 * A push may be recorded before the presence's event: ejabberd pushes at once, as the server
 * handles the stanza or the close, while the playground records the event after its send or its
 * close completes.
 */
const LEAD_MS = 1000;
/** Unexplained pushes kept for a presence recorded after them. */
const RECENT_CAP = 64;
/** Presences remembered at most (the oldest go first). */
const CAP = 200;

/** The observed notification has the shape the policy predicts: no form, or a form with or without a body. */
export function fitsSummary(summary: SummaryFields, notification: PushEvent["notification"]): boolean {
  if (summary.omitForm) return notification === null;
  if (notification === null) return false;
  return (summary.lastMessageBody !== undefined) === (notification.lastMessageBody !== undefined);
}

export function createPredictedCauses(slackMs: () => number): PredictedCauses {
  const pending: { prediction: PresencePrediction; left: PredictedPresencePush[] }[] = [];

  const horizon = (p: PredictedPresencePush) => p.delayMs + slackMs();

  function prune(now: number): void {
    for (let i = pending.length - 1; i >= 0; i--) {
      const entry = pending[i]!;
      const alive = entry.left.some((p) => now <= entry.prediction.at + horizon(p));
      if (!alive || entry.left.length === 0) pending.splice(i, 1);
    }
    if (pending.length > CAP) pending.splice(0, pending.length - CAP);
  }

  function fits(p: PredictedPresencePush, at: number, push: ObservedPushFacts, id: string): boolean {
    return keyId(p.key) === id && push.at >= at - LEAD_MS && push.at <= at + horizon(p) && fitsSummary(p.summary, push.notification);
  }

  const recent: { pushEventId: string; push: ObservedPushFacts }[] = [];

  function match(push: ObservedPushFacts): PredictedCause | null {
    prune(push.at);
    const id = keyId({ jid: push.to, node: push.node ?? "" });
    // The oldest first: Prosody's batch timer starts with the first presence queued.
    const entry = pending.find((e) => e.left.some((p) => fits(p, e.prediction.at, push, id)));
    if (!entry) return null;
    const matching = entry.left.filter((p) => fits(p, entry.prediction.at, push, id));
    const first = matching[0]!;
    // This push answers the presence's prediction for the key under every policy, and a batch
    // takes the later presences queued within its delay.
    entry.left = entry.left.filter((p) => keyId(p.key) !== id);
    if (first.delayMs > 0) {
      for (const other of pending) {
        if (other === entry || other.prediction.at < entry.prediction.at || other.prediction.at > entry.prediction.at + first.delayMs) continue;
        other.left = other.left.filter((p) => keyId(p.key) !== id || p.policy !== first.policy);
      }
    }
    const policies = [...new Set(matching.map((p) => p.policy))];
    return {
      eventId: entry.prediction.eventId,
      policies,
      detail: `predicted: ${first.sentence}. Under the ${policies.join(" and ")} policy (${first.rule}): ${first.reason}`,
    };
  }

  return {
    add(prediction) {
      if (prediction.pushes.length === 0) return [];
      prune(prediction.at);
      pending.push({ prediction, left: [...prediction.pushes] });
      const explained: { pushEventId: string; cause: PredictedCause }[] = [];
      for (let i = 0; i < recent.length; i++) {
        const { pushEventId, push } = recent[i]!;
        if (push.at < prediction.at - LEAD_MS) continue;
        const cause = match(push);
        if (!cause) continue;
        explained.push({ pushEventId, cause });
        recent.splice(i--, 1);
      }
      return explained;
    },
    unexplained(pushEventId, push) {
      recent.push({ pushEventId, push });
      while (recent.length > RECENT_CAP || (recent[0] && recent[0].push.at < push.at - LEAD_MS)) recent.shift();
    },
    explained(pushEventId) {
      const i = recent.findIndex((r) => r.pushEventId === pushEventId);
      if (i !== -1) recent.splice(i, 1);
    },
    match,
    get size() {
      return pending.length;
    },
  };
}
