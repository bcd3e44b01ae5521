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
import {
  applyOperation,
  decideMessage,
  EMPTY_ACCOUNT,
  storedOffline,
  type AccountOperation,
  type AccountState,
  type OperationResult,
} from "../../protocol/account";
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
import { routeMessage } from "../../protocol/routing";
import { messageSnapshot } from "../../protocol/stanzas/message";
import type { KnownRegistration, LaneId } from "../model";
import type { SessionView } from "../stores/sessions";
import { keyId } from "./keys";
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

/** One step of a registration's history as the playground knows it, with why it would remove it. */
interface FactStep {
  fact: RegistrationFacts;
  operation: AccountOperation;
  /** Why the registration is gone when this step removes it (or, for an enable, refuses it). */
  why: (result: OperationResult) => string;
}

/**
 * The account operations the playground's registrations stand for, under `policy`: every enable
 * in the order it was made, then what happened to each registration since (its disable, a removal
 * the connected server reports under its own policy, the App Server's remote disable, the sink's
 * answers to its pushes). The playground does not record when those came relative to later
 * enables; they usually follow the set-up, so they are replayed after every enable.
 */
function factSteps(policy: PushPolicy, facts: readonly RegistrationFacts[], context: { account: string; serverPolicy: PolicyName | null }): FactStep[] {
  const byEnable = [...facts].sort((a, b) => a.enabledAt - b.enabledAt);
  const enables = byEnable.map((r): FactStep => ({
    fact: r,
    operation: {
      op: "enable",
      // Node "" is a registration whose enable carried no node attribute (RegistrationKey).
      request: { iqType: "set", jid: r.jid, ...(r.node !== "" ? { node: r.node } : {}), ...(r.away ? { away: "true" } : {}), senderFullJid: `${context.account}/${r.enabledByResource}` },
      publishOptions: r.publishOptions,
      // A registration whose enable the playground did not see cannot be bound to a live session.
      sessionId: r.enabledBySessionId ?? `unknown/${r.enabledByResource}`,
      resource: r.enabledByResource,
    },
    why: (result) => {
      const rejected = result.op === "enable" ? result.refused : null;
      return rejected ? `${policy.name} would have refused the enable of ${regLabel(r)} (${rejected.type}/${rejected.condition}${rejected.text ? `: ${rejected.text}` : ""})` : "";
    },
  }));
  const fates = byEnable.flatMap((r): FactStep[] => {
    const key = { jid: r.jid, node: r.node };
    if (r.state === "disabled") {
      return [{ fact: r, operation: { op: "disable", iqType: "set", jid: r.jid, node: r.node }, why: () => `${regLabel(r)} was disabled by the playground` }];
    }
    if (r.state === "removed-by-server" && context.serverPolicy === policy.name) {
      return [{ fact: r, operation: { op: "remove", key }, why: () => `the server (policy ${policy.name}) reports it removed ${regLabel(r)}` }];
    }
    const steps: FactStep[] = [];
    if (r.remoteDisabled) {
      steps.push({ fact: r, operation: { op: "remote-disable", key }, why: () => `${policy.name} honours the App Server's XEP-0357 §9 remote disable of ${regLabel(r)}` });
    }
    for (const outcome of r.outcomes) {
      steps.push({ fact: r, operation: { op: "app-server-answer", key, outcome }, why: () => `${policy.name} removes ${regLabel(r)} after the sink answered a push with ${describeOutcome(outcome)}` });
    }
    return steps;
  });
  return [...enables, ...fates];
}

/**
 * The registrations `policy` would hold now: the playground's history replayed through the account
 * model the server runs (src/protocol/account). Each registration left out carries one sentence of
 * why: those refused, disabled or removed in `facts` order, then those the policy's LRU cap evicted.
 */
export function registrationsUnder(
  policy: PushPolicy,
  facts: readonly RegistrationFacts[],
  context: { account: string; serverPolicy: PolicyName | null },
): { inForce: RegistrationSnapshot[]; excluded: ExcludedRegistration[] } {
  const removedWhy = new Map<RegistrationFacts, string>();
  const evicted: ExcludedRegistration[] = [];
  const evictedKeys = new Set<string>();
  let state = EMPTY_ACCOUNT;
  for (const step of factSteps(policy, facts, context)) {
    const result = applyOperation(state, policy, step.operation);
    state = result.state;
    const gone =
      (result.op === "enable" && result.refused !== null) ||
      (result.op === "disable" && result.removed.length > 0) ||
      ((result.op === "remove" || result.op === "remote-disable" || result.op === "app-server-answer") && result.removed !== null) ||
      // A remote disable is the App Server's word even when nothing was left to remove.
      (result.op === "remote-disable" && result.honoured);
    if (gone && !removedWhy.has(step.fact) && !evictedKeys.has(keyId(step.fact))) removedWhy.set(step.fact, step.why(result));
    if (result.op === "enable" && result.refused === null) {
      for (const old of result.evicted) {
        evictedKeys.add(keyId(old));
        evicted.push({ key: { jid: old.jid, node: old.node }, why: `${policy.name} keeps at most ${policy.maxRegistrations} registrations and evicted ${regLabel(old)}, the least recently enabled` });
      }
    }
  }
  const excluded = facts.flatMap((r) => {
    const why = removedWhy.get(r);
    return why === undefined ? [] : [{ key: { jid: r.jid, node: r.node }, why }];
  });
  return { inForce: [...state.registrations], excluded: [...excluded, ...evicted] };
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
  /** The delivery under the server's policy (spec's when it is unknown); each policy's is in `inputs`. */
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

  const inputs = {} as Record<PolicyName, DecisionInput>;
  const predictions = {} as Record<PolicyName, PolicyPrediction>;
  const pushedSinceOnline = { ...ZERO_COUNTERS.pushedSinceOnline };
  let offlineCount = input.counters.offlineCount;
  for (const name of POLICY_NAMES) {
    const policy = POLICIES[name];
    const { inForce, excluded } = registrationsUnder(policy, input.registrations, { account, serverPolicy: input.serverPolicy });
    // Prosody and ejabberd give a bare-JID chat to the highest priority only: routed per policy.
    const delivery = routeMessage(sessions, message, policy.bareJidDelivery);
    let state: AccountState = { registrations: inForce, pushedSinceOnline: input.counters.pushedSinceOnline[name], offlineCount: input.counters.offlineCount };
    if (delivery.storedOffline) state = storedOffline(state);
    const decided = decideMessage(state, policy, { account, sessions, message, delivery, options });
    inputs[name] = decided.input;
    predictions[name] = { policy: name, decision: decided.decision, expected: pushedKeys(decided.decision), registrations: inForce, excluded, delivery };
    pushedSinceOnline[name] = decided.state.pushedSinceOnline;
    offlineCount = decided.state.offlineCount;
  }
  const delivery = inputs[input.serverPolicy ?? "spec"].delivery;
  return { sessions, delivery, message, inputs, predictions, counters: { pushedSinceOnline, offlineCount } };
}
