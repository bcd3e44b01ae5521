/**
 * Builds the `DecisionInput` snapshot a server would decide on, from what the playground knows
 * when it sends a message (its resources' connections and presence, the registrations it enabled,
 * the message itself), and runs the four shared decision functions of src/protocol on it.
 *
 * Session ids are the playground's: one per connection of a lane (lane, resource and connection
 * generation), so a registration stays bound to the connection that enabled it, as Prosody and
 * ejabberd bind theirs, and a reconnect of the same resource is a different session.
 */
import type { Element } from "@xmpp/xml";
import { POLICIES } from "../../protocol/policy";
import { pushedKeys, regLabel } from "../../protocol/policy/common";
import {
  POLICY_NAMES,
  type AppServerOutcome,
  type DataForm,
  type DecisionInput,
  type Delivery,
  type MessageSnapshot,
  type PolicyName,
  type PolicyOptions,
  type PushPolicy,
  type RegistrationKey,
  type RegistrationSnapshot,
  type SessionSnapshot,
} from "../../protocol/policy/types";
import { isOnline, isReceiving, routeMessage } from "../../protocol/routing";
import { messageSnapshot } from "../../protocol/stanzas/message";
import type { KnownRegistration, LaneId } from "../model";
import type { SessionView } from "../stores/sessions";
import type { ExcludedRegistration, PolicyPrediction } from "./types";

/** The playground's session id for one connection of a lane. */
export function connectionSessionId(lane: LaneId, resource: string, generation: number): string {
  return `${lane}/${resource}#${generation}`;
}

/** What the playground tracks per lane beyond the sessions store. */
export interface ConnectionInfo {
  /** Connections of this lane so far (1 for the first); part of the session id. */
  generation: number;
  /** Available presences sent on the current connection. */
  presenceCount: number;
}

/**
 * The account's sessions as a server would snapshot them: resources that are bound (online, or
 * closing: the server holds the session until it processes the close), and killed apps the server
 * keeps hibernated for XEP-0198 resumption. Closed ones are absent.
 */
export function sessionSnapshots(views: readonly SessionView[], connections: ReadonlyMap<LaneId, ConnectionInfo>): SessionSnapshot[] {
  const sessions: SessionSnapshot[] = [];
  for (const v of views) {
    if (v.role !== "resource") continue;
    // A killed app whose session the server keeps for XEP-0198 resumption is still a session to it.
    const hibernated = v.sm?.state === "hibernated" && v.status !== "online" && v.status !== "connecting";
    if (v.status !== "online" && v.status !== "disconnecting" && !hibernated) continue;
    const info = connections.get(v.id) ?? { generation: 0, presenceCount: v.presence ? 1 : 0 };
    sessions.push({
      sessionId: connectionSessionId(v.id, v.resource, info.generation),
      resource: v.resource,
      state: hibernated ? "hibernated" : "connected",
      presence: v.presence ? { ...v.presence } : null,
      presenceCount: info.presenceCount,
    });
  }
  return sessions;
}

/** A registration the playground enabled, with what happened to it since. */
export interface RegistrationFacts {
  jid: string;
  node: string;
  /** The away flag as requested (sent as `away='true'`); each policy parses it its own way. */
  away: boolean;
  publishOptions: DataForm | null;
  enabledByResource: string;
  enabledAt: number;
  /** `connectionSessionId` of the connection that sent the enable; null when the playground did not see it. */
  enabledBySessionId: string | null;
  state: KnownRegistration["state"];
  /** The sink sent the XEP-0357 §9 remote disable for it after its last enable. */
  remoteDisabled: boolean;
  /** How the sink answered the pushes to it since its last enable, oldest first. */
  outcomes: AppServerOutcome[];
}

/** What the playground tracks per registration (by key) beyond the registrations store. */
export interface RegistrationTracking {
  enabledBySessionId: string | null;
  remoteDisabled: boolean;
  outcomes: AppServerOutcome[];
}

export function registrationFacts(
  known: readonly KnownRegistration[],
  tracking: (key: RegistrationKey) => RegistrationTracking | undefined,
): RegistrationFacts[] {
  return known.map((r) => {
    const t = tracking(r);
    return {
      jid: r.jid,
      node: r.node,
      away: r.away,
      publishOptions: r.publishOptions,
      enabledByResource: r.enabledByResource,
      enabledAt: r.enabledAt,
      enabledBySessionId: t?.enabledBySessionId ?? null,
      state: r.state,
      remoteDisabled: t?.remoteDisabled ?? r.state === "remote-disabled",
      outcomes: t?.outcomes ?? [],
    };
  });
}

function describeOutcome(outcome: AppServerOutcome): string {
  return outcome.kind === "error" ? `error ${outcome.type}/${outcome.condition}` : outcome.kind === "timeout" ? "no answer" : "result";
}

/**
 * The registrations `policy` would hold now: the playground's, minus those it disabled, those the
 * connected server reports removed (under the server's own policy), those the policy drops after a
 * remote disable or after the App Server answers the sink gave, those it would have refused at
 * enable, and those beyond its LRU cap. Each exclusion carries one sentence of why.
 */
export function registrationsUnder(
  policy: PushPolicy,
  facts: readonly RegistrationFacts[],
  context: { account: string; serverPolicy: PolicyName | null },
): { inForce: RegistrationSnapshot[]; excluded: ExcludedRegistration[] } {
  const excluded: ExcludedRegistration[] = [];
  const kept: { snapshot: RegistrationSnapshot; enabledAt: number }[] = [];
  const exclude = (r: RegistrationFacts, why: string) => excluded.push({ key: { jid: r.jid, node: r.node }, why });

  for (const r of facts) {
    if (r.state === "disabled") {
      exclude(r, `${regLabel(r)} was disabled by the playground`);
      continue;
    }
    if (r.state === "removed-by-server" && context.serverPolicy === policy.name) {
      exclude(r, `the server (policy ${policy.name}) reports it removed ${regLabel(r)}`);
      continue;
    }
    if (r.remoteDisabled && policy.honoursRemoteDisable) {
      exclude(r, `${policy.name} honours the App Server's XEP-0357 §9 remote disable of ${regLabel(r)}`);
      continue;
    }
    const rejected = policy.validateEnable({
      iqType: "set",
      jid: r.jid,
      node: r.node,
      ...(r.away ? { away: "true" } : {}),
      senderFullJid: `${context.account}/${r.enabledByResource}`,
    });
    if (rejected) {
      exclude(r, `${policy.name} would have refused the enable of ${regLabel(r)} (${rejected.type}/${rejected.condition}${rejected.text ? `: ${rejected.text}` : ""})`);
      continue;
    }
    const snapshot: RegistrationSnapshot = {
      jid: r.jid,
      node: r.node,
      away: policy.parseAwayFlag(r.away ? "true" : undefined),
      // A registration whose enable the playground did not see cannot be bound to a live session.
      enabledBySessionId: r.enabledBySessionId ?? `unknown/${r.enabledByResource}`,
      enabledByResource: r.enabledByResource,
      publishOptions: r.publishOptions,
      errorCount: 0,
    };
    let removedBy: AppServerOutcome | null = null;
    for (const outcome of r.outcomes) {
      const reaction = policy.onAppServerOutcome(snapshot, outcome);
      snapshot.errorCount = reaction.errorCount;
      if (reaction.action === "remove") {
        removedBy = outcome;
        break;
      }
    }
    if (removedBy) {
      exclude(r, `${policy.name} removes ${regLabel(r)} after the sink answered a push with ${describeOutcome(removedBy)}`);
      continue;
    }
    kept.push({ snapshot, enabledAt: r.enabledAt });
  }

  // Least recently enabled first, as the server keeps them; the oldest beyond the cap are evicted.
  kept.sort((a, b) => a.enabledAt - b.enabledAt);
  const overflow = Math.max(0, kept.length - policy.maxRegistrations);
  for (const { snapshot } of kept.slice(0, overflow)) {
    excluded.push({ key: { jid: snapshot.jid, node: snapshot.node }, why: `${policy.name} keeps at most ${policy.maxRegistrations} registrations and evicted ${regLabel(snapshot)}, the least recently enabled` });
  }
  return { inForce: kept.slice(overflow).map((k) => k.snapshot), excluded };
}

/** The message as a server sees it: the sender's full JID filled in (clients send without `from`). */
export function messageSnapshotOf(element: Element, context: { from: string; domain: string }): MessageSnapshot {
  return { ...messageSnapshot(element, { ownDomain: context.domain }), from: context.from };
}

/**
 * Counters behind the summary fields (they do not change who is pushed): spec's message-count
 * (messages pushed since the account last had an online session, per policy) and Tigase's
 * (messages in offline storage, emptied when a session becomes receiving).
 */
export interface PredictionCounters {
  pushedSinceOnline: Record<PolicyName, number>;
  offlineCount: number;
}

export const ZERO_COUNTERS: PredictionCounters = {
  pushedSinceOnline: { spec: 0, tigase: 0, prosody: 0, ejabberd: 0 },
  offlineCount: 0,
};

export interface PredictionInput {
  account: string;
  sessions: SessionSnapshot[];
  registrations: readonly RegistrationFacts[];
  message: MessageSnapshot;
  options: PolicyOptions;
  /** Policy the connected server names in its decision log, when it has one. */
  serverPolicy: PolicyName | null;
  counters: PredictionCounters;
}

export interface Prediction {
  sessions: SessionSnapshot[];
  delivery: Delivery;
  message: MessageSnapshot;
  /** The input each policy decided on (registrations differ per policy). */
  inputs: Record<PolicyName, DecisionInput>;
  predictions: Record<PolicyName, PolicyPrediction>;
  /** Counters after this message. */
  counters: PredictionCounters;
}

export function predict(input: PredictionInput): Prediction {
  const { account, sessions, message, options } = input;
  const delivery = routeMessage(sessions, message);
  const anyOnline = sessions.some((s) => isOnline(s, options));
  const anyReceiving = sessions.some(isReceiving);
  const offlineBefore = anyReceiving ? 0 : input.counters.offlineCount;
  const offlineCount = offlineBefore + (delivery.storedOffline ? 1 : 0);

  const inputs = {} as Record<PolicyName, DecisionInput>;
  const predictions = {} as Record<PolicyName, PolicyPrediction>;
  const pushedSinceOnline = { ...ZERO_COUNTERS.pushedSinceOnline };
  for (const name of POLICY_NAMES) {
    const policy = POLICIES[name];
    const { inForce, excluded } = registrationsUnder(policy, input.registrations, { account, serverPolicy: input.serverPolicy });
    const before = anyOnline ? 0 : input.counters.pushedSinceOnline[name];
    const decisionInput: DecisionInput = {
      account,
      sessions,
      registrations: inForce,
      message,
      delivery,
      options,
      pushedSinceOnline: before,
      offlineCount,
    };
    const decision = policy.decide(decisionInput);
    const expected = pushedKeys(decision);
    inputs[name] = decisionInput;
    predictions[name] = { policy: name, decision, expected, registrations: inForce, excluded };
    pushedSinceOnline[name] = expected.length > 0 ? before + 1 : before;
  }
  return { sessions, delivery, message, inputs, predictions, counters: { pushedSinceOnline, offlineCount } };
}
