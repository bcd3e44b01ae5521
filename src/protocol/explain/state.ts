/**
 * The state that decided a message, read off the DecisionInput: each resource and registration as
 * the card shows it, and which of them the deciding rule rests on.
 */
import { enablerState, presenceText, regLabel } from "../policy/common";
import type { DecisionInput, PushDecision, RegistrationKey, SessionSnapshot } from "../policy/types";
import { isAway, isReceiving } from "../routing";
import type { MessageState, PublishFact, RegistrationState, ResourceState, Standing } from "./types";

export function keyId(key: RegistrationKey): string {
  return `${key.jid}\u0000${key.node}`;
}

export function sameKey(a: RegistrationKey, b: RegistrationKey): boolean {
  return a.jid === b.jid && a.node === b.node;
}

export function standingOf(session: SessionSnapshot, input: Pick<DecisionInput, "options">): Standing {
  if (!isReceiving(session)) return "not-receiving";
  return isAway(session, input.options) ? "away" : "online";
}

/** Tigase's "online": any last presence without `<show>`, whatever the priority or connection. */
export function isTigaseOnline(session: SessionSnapshot): boolean {
  return session.presence !== null && session.presence.show === null;
}

/** Whether a body-less message stored offline goes through ejabberd's offline hook (docs/push-semantics.md B.2 row 13). */
function ejabberdOfflinePath(input: DecisionInput): boolean {
  const m = input.message;
  return input.delivery.storedOffline && !m.hasBody && m.standaloneChatState !== true;
}

export interface Decisive {
  resources: ReadonlySet<string>;
  registrations: ReadonlySet<string>;
  message: boolean;
}

const MESSAGE_RULES = new Set([
  "spec/not-pushable", "tigase/delayed", "tigase/not-pushable", "tigase/groupchat",
  "prosody/urgent", "prosody/bare-groupchat", "prosody/not-pushable", "ejabberd/not-pushable", "ejabberd/bounced",
]);

/** The resources, registrations and message property the fired rule rests on. */
export function decisiveParts(input: DecisionInput, decision: PushDecision): Decisive {
  const { sessions, registrations } = input;
  const all = (list: readonly SessionSnapshot[]) => new Set(list.map((s) => s.resource));
  const regs = (list: readonly RegistrationKey[]) => new Set(list.map(keyId));
  const message = MESSAGE_RULES.has(decision.rule) || decision.rule.endsWith("/no-body");

  switch (decision.rule) {
    case "spec/no-receiving-session":
    case "tigase/no-away-registration":
      return { resources: all(sessions), registrations: regs(registrations), message };
    case "spec/online-session":
      return { resources: all(sessions.filter((s) => standingOf(s, input) === "online")), registrations: new Set(), message };
    case "spec/all-away":
      return { resources: all(sessions.filter(isReceiving)), registrations: regs(registrations), message };
    case "tigase/online-session":
      return { resources: all(sessions.filter(isTigaseOnline)), registrations: new Set(), message };
    case "tigase/away":
      return { resources: all(sessions), registrations: regs(registrations.filter((r) => r.away)), message };
    case "tigase/offline":
    case "prosody/urgent":
    case "prosody/bare-groupchat":
      return { resources: new Set(), registrations: regs(registrations), message };
    case "tigase/groupchat":
      return { resources: all(sessions.filter((s) => s.presence !== null && s.presence.priority >= 0)), registrations: regs(registrations), message };
  }
  if (decision.policy === "prosody" || decision.policy === "ejabberd") {
    if (decision.rule.endsWith("/no-registrations") || decision.rule.endsWith("/not-pushable")) {
      return { resources: new Set(), registrations: new Set(), message };
    }
    // Session-bound: each registration is decided by its own enabling session; the offline path
    // by the absence of any receiving resource.
    const offline = decision.policy === "prosody" ? input.delivery.storedOffline : ejabberdOfflinePath(input);
    const enablers = new Set(registrations.map((r) => r.enabledByResource).filter((res) => sessions.some((s) => s.resource === res)));
    const resources = offline ? new Set([...enablers, ...all(sessions)]) : enablers;
    return { resources, registrations: regs(registrations), message };
  }
  return { resources: new Set(), registrations: new Set(), message };
}

/** Tigase's own reading of a session (docs/push-semantics.md §0.2 tigase): `<show>` alone decides, when there is a presence. */
function tigaseStanding(session: SessionSnapshot): Standing {
  if (session.presence === null) return "not-receiving";
  return isTigaseOnline(session) ? "online" : "away";
}

export function resourceStates(input: DecisionInput, decision: PushDecision, decisive: Decisive): ResourceState[] {
  return input.sessions.map((s) => ({
    resource: s.resource,
    sessionId: s.sessionId,
    connection: s.state,
    receiving: isReceiving(s),
    standing: standingOf(s, input),
    countsAs: decision.policy === "tigase" ? tigaseStanding(s) : standingOf(s, input),
    presence: s.presence === null ? null : { show: s.presence.show, priority: s.presence.priority },
    presenceText: presenceText(s),
    enabled: input.registrations.filter((r) => r.enabledBySessionId === s.sessionId).map((r) => ({ jid: r.jid, node: r.node })),
    decisive: decisive.resources.has(s.resource),
  }));
}

export function registrationStates(
  input: DecisionInput,
  decision: PushDecision,
  decisive: Decisive,
  publishes: readonly PublishFact[] = [],
): RegistrationState[] {
  return input.registrations.map((r) => {
    const key = { jid: r.jid, node: r.node };
    const verdict = decision.verdicts.find((v) => sameKey(v.key, key));
    const enabler = enablerState(r, input.sessions);
    const push = verdict?.push ?? false;
    const state: RegistrationState = {
      key,
      label: regLabel(key),
      away: r.away,
      errorCount: r.errorCount,
      enabledByResource: r.enabledByResource,
      enabler,
      enablerAlive: enabler === "connected",
      push,
      why: verdict?.why ?? "not pushed: the decision has no verdict for it",
      decisive: decisive.registrations.has(keyId(key)),
    };
    if (push) state.delayMs = verdict?.delayMs ?? decision.delayMs;
    const publish = publishes.find((p) => sameKey(p.key, key));
    if (publish) state.publish = publish;
    return state;
  });
}

const PREVIEW_CHARS = 80;

export function messageState(input: DecisionInput, decisive: Decisive): MessageState {
  const m = input.message;
  const state: MessageState = {
    type: m.type,
    hasBody: m.hasBody,
    from: m.from,
    to: m.toResource ?? "bare",
    storedOffline: input.delivery.storedOffline,
    deliveredTo: [...input.delivery.deliveredTo],
    callPropose: m.callPropose === true,
    delayedByOwnDomain: m.delayedByOwnDomain === true,
    decisive: decisive.message,
  };
  if (m.body !== undefined) state.bodyPreview = [...m.body].length > PREVIEW_CHARS ? `${[...m.body].slice(0, PREVIEW_CHARS - 1).join("")}…` : m.body;
  return state;
}
