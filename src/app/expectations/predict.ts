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
  /**
   * The enabling session's key when it differs from its id: `sessionKeyAfter` its XEP-0198
   * resumptions (ejabberd stores under the resumed session's new sid), or as the server logged it.
   */
  enabledBySessionKey?: string;
  state: KnownRegistration["state"];
  /**
   * `connectionSessionId` of the connection that disabled it (ejabberd's disable clears that
   * session's push id, PushPolicy.disableClearsPushId); absent when not known.
   */
  disabledBySessionId?: string | null;
  /** Who disabled it, when the playground saw the disable (its lane, or an outside session). */
  disabledBy?: RegistrationDisabler;
  /**
   * Enables of the same key by other sessions before this one, oldest first, each with the disable
   * that followed it: Prosody's earlier holders keep its push identifier (even once disabled, from
   * another session), ejabberd deletes by the enabling session.
   */
  earlier?: EarlierEnable[];
  /** The sink sent the XEP-0357 §9 remote disable for it after its last enable. */
  remoteDisabled: boolean;
  /** How the sink answered the pushes to it since its last enable, oldest first. */
  outcomes: AppServerOutcome[];
}

/** Who sent a disable the server accepted. */
export interface RegistrationDisabler {
  /** The session id the predictions give it (`connectionSessionId`, or an outside session's); null when unknown. */
  sessionId: string | null;
  /** Who, in words: a lane's label, or "the outside session phone". */
  label: string;
  at: number;
}

/** An enable of a key that a later enable of the same key replaced (RegistrationFacts.earlier). */
export interface EarlierEnable {
  sessionId: string;
  resource: string;
  at: number;
  /** The session's key then, when it differed from its id (RegistrationFacts.enabledBySessionKey). */
  sessionKey?: string;
  /** The disable that removed it before the next enable, if any. */
  disabledBy?: RegistrationDisabler;
}

/** What the playground tracks per registration (by key) beyond the registrations store. */
export interface RegistrationTracking {
  enabledBySessionId: string | null;
  /** The enabling session's key, when its resumptions renewed it (RegistrationFacts.enabledBySessionKey). */
  enabledBySessionKey?: string;
  remoteDisabled: boolean;
  outcomes: AppServerOutcome[];
  /** The accepted disable since its last enable, if the playground saw it. */
  disabledBy?: RegistrationDisabler;
  /** Earlier enables of the key by other sessions (RegistrationFacts.earlier). */
  earlier?: EarlierEnable[];
  /** The tracked enable's resource and time, once it is replaced by another (becomes an EarlierEnable). */
  enabledByResource?: string;
  enabledAt?: number;
}

export function registrationFacts(
  known: readonly KnownRegistration[],
  tracking: (key: RegistrationKey) => RegistrationTracking | undefined,
  /** The enabling session of a registration an outside session enabled (outside-facts.ts), else null. */
  outsideEnabler: (r: KnownRegistration) => string | null = () => null,
): RegistrationFacts[] {
  return known.map((r) => {
    const tracked = tracking(r);
    const outside = outsideEnabler(r);
    // An outside enable the tracker did not see replaced whatever it remembers of an earlier one
    // of the same key: a new registration to the server, with no App Server history.
    const t = outside !== null && tracked?.enabledBySessionId !== outside ? undefined : tracked;
    const disabledBy = r.state === "disabled" ? t?.disabledBy : undefined;
    return {
      jid: r.jid,
      node: r.node,
      away: r.away,
      publishOptions: r.publishOptions,
      enabledByResource: r.enabledByResource,
      enabledAt: r.enabledAt,
      enabledBySessionId: outside ?? t?.enabledBySessionId ?? null,
      ...(t?.enabledBySessionKey !== undefined ? { enabledBySessionKey: t.enabledBySessionKey } : {}),
      state: r.state,
      ...(disabledBy ? { disabledBy, disabledBySessionId: disabledBy.sessionId } : {}),
      ...(t?.earlier ? { earlier: t.earlier } : {}),
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

function enableOperation(r: RegistrationFacts, account: string, sessionId: string, resource: string, sessionKey: string | undefined): AccountOperation {
  return {
    op: "enable",
    // Node "" is a registration whose enable carried no node attribute (RegistrationKey).
    request: { iqType: "set", jid: r.jid, ...(r.node !== "" ? { node: r.node } : {}), ...(r.away ? { away: "true" } : {}), senderFullJid: `${account}/${resource}` },
    publishOptions: r.publishOptions,
    sessionId,
    resource,
    ...(sessionKey !== undefined ? { sessionKey } : {}),
  };
}

function disableOperation(r: RegistrationFacts, sessionId: string | null | undefined): AccountOperation {
  return { op: "disable", iqType: "set", jid: r.jid, node: r.node, ...(sessionId ? { sessionId } : {}) };
}

/** One step of the enable replay, at the time it happened; `last`: the fact's own (latest) enable. */
interface TimedStep extends FactStep {
  at: number;
  last: boolean;
  /** The fact's own disable: what removes it, said in `why`. */
  fate?: boolean;
}

/**
 * The enables in the order they were made, each fact's earlier enables (and the disables between
 * them) included: the first part of the replay below.
 */
function enableSteps(policy: PushPolicy, byEnable: readonly RegistrationFacts[], account: string): TimedStep[] {
  const steps = byEnable.flatMap((r): TimedStep[] => {
    const history = (r.earlier ?? []).flatMap((e): TimedStep[] => [
      // Clocks may differ by a little: an earlier enable never comes after the fact's own.
      { fact: r, at: Math.min(e.at, r.enabledAt), last: false, operation: enableOperation(r, account, e.sessionId, e.resource, e.sessionKey), why: () => "" },
      // Between that enable and the next one of the key.
      ...(e.disabledBy ? [{ fact: r, at: Math.min(Math.max(e.disabledBy.at, e.at), r.enabledAt), last: false, operation: disableOperation(r, e.disabledBy.sessionId), why: () => "" }] : []),
    ]);
    const own: TimedStep = {
      fact: r,
      at: r.enabledAt,
      last: true,
      // A registration whose enable the playground did not see cannot be bound to a live session.
      operation: enableOperation(r, account, r.enabledBySessionId ?? `unknown/${r.enabledByResource}`, r.enabledByResource, r.enabledBySessionKey),
      why: (result) => {
        const rejected = result.op === "enable" ? result.refused : null;
        return rejected ? `${policy.name} would have refused the enable of ${regLabel(r)} (${rejected.type}/${rejected.condition}${rejected.text ? `: ${rejected.text}` : ""})` : "";
      },
    };
    // A disable the playground saw, at its time: ejabberd's clears the sender's push id, which a
    // later enable from that session sets again, so it cannot wait for the end of the replay.
    const disable: TimedStep[] =
      r.state === "disabled" && r.disabledBy
        ? [{ fact: r, at: Math.max(r.disabledBy.at, r.enabledAt), last: false, operation: disableOperation(r, r.disabledBy.sessionId), why: () => `${regLabel(r)} was disabled by ${r.disabledBy?.label ?? "?"}`, fate: true }]
        : [];
    return [...history, own, ...disable];
  });
  // Stable: a fact's history stays before its own enable when the times are equal.
  return steps.sort((a, b) => a.at - b.at);
}

/** What happened to each registration since its enable, in enable order: the second part of the replay. */
function fateSteps(policy: PushPolicy, byEnable: readonly RegistrationFacts[], serverPolicy: PolicyName | null): FactStep[] {
  return byEnable.flatMap((r): FactStep[] => {
    const key = { jid: r.jid, node: r.node };
    if (r.state === "disabled") {
      // Replayed at its time with the enables (enableSteps) when the playground saw who sent it.
      if (r.disabledBy) return [];
      return [{ fact: r, operation: disableOperation(r, r.disabledBySessionId), why: () => `${regLabel(r)} was disabled` }];
    }
    if (r.state === "removed-by-server" && serverPolicy === policy.name) {
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
}

/** The account after the enables alone, with what they refused and evicted (keyed by the facts' registrations). */
interface EnabledState {
  state: AccountState;
  /** Refused enables and the disables replayed with them, by their fact. */
  refusedWhy: Map<RegistrationFacts, string>;
  evicted: ExcludedRegistration[];
  evictedKeys: Set<string>;
}

function replayEnables(policy: PushPolicy, byEnable: readonly RegistrationFacts[], account: string): EnabledState {
  const refusedWhy = new Map<RegistrationFacts, string>();
  const evicted = new Map<string, ExcludedRegistration>();
  let state = EMPTY_ACCOUNT;
  for (const step of enableSteps(policy, byEnable, account)) {
    const result = applyOperation(state, policy, step.operation);
    state = result.state;
    if (result.op === "disable" && step.fate && result.removed.length > 0 && !evicted.has(keyId(step.fact))) refusedWhy.set(step.fact, step.why(result));
    if (result.op !== "enable") continue;
    if (result.refused !== null) {
      if (step.last && !evicted.has(keyId(step.fact))) refusedWhy.set(step.fact, step.why(result));
      continue;
    }
    // Enabled again after an eviction: in force, not evicted.
    evicted.delete(keyId(step.fact));
    for (const old of result.evicted) {
      evicted.set(keyId(old), { key: { jid: old.jid, node: old.node }, why: `${policy.name} keeps at most ${policy.maxRegistrations} registrations and evicted ${regLabel(old)}, the least recently enabled` });
    }
  }
  return { state, refusedWhy, evicted: [...evicted.values()], evictedKeys: new Set(evicted.keys()) };
}

/** What the enable replay depends on: the same enables give the same state (the JID checks are not free). */
function enablesSignature(byEnable: readonly RegistrationFacts[], account: string): string {
  return JSON.stringify([account, byEnable.map((r) => [r.jid, r.node, r.away, r.enabledByResource, r.enabledBySessionId, r.enabledBySessionKey ?? null, r.enabledAt, r.publishOptions, r.earlier ?? null, r.state === "disabled" ? (r.disabledBy ?? null) : null])]);
}

/**
 * The enable replay of the last call per policy. Every message is predicted (1,000 in a burst)
 * while the enables rarely change; the sink's answers, which change with every push, are replayed
 * on top each time.
 */
const lastEnables = new WeakMap<PushPolicy, { signature: string; enabled: EnabledState }>();

function enabledUnder(policy: PushPolicy, byEnable: readonly RegistrationFacts[], account: string): EnabledState {
  const signature = enablesSignature(byEnable, account);
  const cached = lastEnables.get(policy);
  if (cached && cached.signature === signature) return cached.enabled;
  const enabled = replayEnables(policy, byEnable, account);
  lastEnables.set(policy, { signature, enabled });
  return enabled;
}

/** What a policy would hold: registrations in force, those left out and why, and (Prosody) those only a session still holds. */
export interface RegistrationsUnder {
  inForce: RegistrationSnapshot[];
  excluded: ExcludedRegistration[];
  /** Registrations gone from the store whose push identifier a session still holds (DetachedHold). */
  detached?: AccountState["detached"];
}

/**
 * The registrations `policy` would hold now: the playground's history replayed through the account
 * model the server runs (src/protocol/account): every enable in the order it was made, then what
 * happened to each registration since (its disable, a removal the connected server reports under
 * its own policy, the App Server's remote disable, the sink's answers to its pushes). The
 * playground does not record when those came relative to later enables; they usually follow the
 * set-up, so they are replayed after every enable. Each registration left out carries one sentence
 * of why: those refused, disabled or removed in `facts` order, then those the policy's LRU cap evicted.
 */
export function registrationsUnder(
  policy: PushPolicy,
  facts: readonly RegistrationFacts[],
  context: { account: string; serverPolicy: PolicyName | null },
): RegistrationsUnder {
  // Messages of a burst sent between two answers of the sink see the same history.
  const last = lastReplay.get(policy);
  if (last && last.account === context.account && last.serverPolicy === context.serverPolicy && sameFacts(last.facts, facts)) {
    return { ...last.result, inForce: [...last.result.inForce], excluded: [...last.result.excluded] };
  }
  const result = replayAll(policy, facts, context);
  // Copies: a caller that changes its facts in place must not find them equal next time.
  lastReplay.set(policy, { facts: facts.map((f) => ({ ...f, outcomes: [...f.outcomes] })), account: context.account, serverPolicy: context.serverPolicy, result });
  return { ...result, inForce: [...result.inForce], excluded: [...result.excluded] };
}

/** The whole replay of the last call per policy, with what it was computed from. */
const lastReplay = new WeakMap<
  PushPolicy,
  { facts: readonly RegistrationFacts[]; account: string; serverPolicy: PolicyName | null; result: RegistrationsUnder }
>();

function sameFacts(a: readonly RegistrationFacts[], b: readonly RegistrationFacts[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return (
      x.jid === y.jid &&
      x.node === y.node &&
      x.away === y.away &&
      x.publishOptions === y.publishOptions &&
      x.enabledByResource === y.enabledByResource &&
      x.enabledAt === y.enabledAt &&
      x.enabledBySessionId === y.enabledBySessionId &&
      x.enabledBySessionKey === y.enabledBySessionKey &&
      x.state === y.state &&
      x.remoteDisabled === y.remoteDisabled &&
      x.disabledBy === y.disabledBy &&
      x.disabledBySessionId === y.disabledBySessionId &&
      x.earlier === y.earlier &&
      x.outcomes.length === y.outcomes.length &&
      x.outcomes.every((o, j) => o === y.outcomes[j])
    );
  });
}

function replayAll(
  policy: PushPolicy,
  facts: readonly RegistrationFacts[],
  context: { account: string; serverPolicy: PolicyName | null },
): RegistrationsUnder {
  const byEnable = [...facts].sort((a, b) => a.enabledAt - b.enabledAt);
  const enabled = enabledUnder(policy, byEnable, context.account);
  const removedWhy = new Map<RegistrationFacts, string>(enabled.refusedWhy);
  let state = enabled.state;
  for (const step of fateSteps(policy, byEnable, context.serverPolicy)) {
    const result = applyOperation(state, policy, step.operation);
    state = result.state;
    const gone =
      (result.op === "disable" && result.removed.length > 0) ||
      ((result.op === "remove" || result.op === "remote-disable" || result.op === "app-server-answer") && result.removed !== null) ||
      // A remote disable is the App Server's word even when nothing was left to remove.
      (result.op === "remote-disable" && result.honoured);
    if (gone && !removedWhy.has(step.fact) && !enabled.evictedKeys.has(keyId(step.fact))) removedWhy.set(step.fact, step.why(result));
  }
  const excluded = facts.flatMap((r) => {
    const why = removedWhy.get(r);
    return why === undefined ? [] : [{ key: { jid: r.jid, node: r.node }, why }];
  });
  return { inForce: [...state.registrations], excluded: [...excluded, ...enabled.evicted], ...(state.detached ? { detached: state.detached } : {}) };
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
    const { inForce, excluded, detached } = registrationsUnder(policy, input.registrations, { account, serverPolicy: input.serverPolicy });
    // Prosody and ejabberd give a bare-JID chat to the highest priority only: routed per policy.
    const delivery = routeMessage(sessions, message, policy.bareJidDelivery);
    let state: AccountState = { registrations: inForce, pushedSinceOnline: input.counters.pushedSinceOnline[name], offlineCount: input.counters.offlineCount, ...(detached ? { detached } : {}) };
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
