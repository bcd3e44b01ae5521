/**
 * User changes applied to a recorded DecisionInput (pure), and how each reads in a sentence. The
 * modified input is routed again (RFC 6121 §8.5), so delivery and offline storage follow the change.
 */
import { POLICIES } from "../policy";
import { pushIdentifierHolders, regLabel } from "../policy/common";
import type {
  DecisionInput,
  MessageSnapshot,
  PolicyName,
  PresenceState,
  RegistrationSnapshot,
  SessionSnapshot,
} from "../policy/types";
import { routeMessage } from "../routing";
import { POLICY_GIST } from "./rules";
import type { Change, PresenceChoice, SendKind } from "./types";

/** Session id given to a resource a change connects, or to the gone session of an enable-then-leave. */
export const newSessionId = (resource: string): string => `cf-new:${resource}`;
export const goneSessionId = (resource: string): string => `cf-gone:${resource}`;

/** Body of a chat message a change sends when the recorded message had none. */
export const COUNTERFACTUAL_BODY = "Hello";

function presenceFor(show: PresenceChoice, priority: number): PresenceState | null {
  if (show === "unavailable") return null;
  return { show: show === "available" ? null : show, priority };
}

function mapSession(sessions: readonly SessionSnapshot[], resource: string, f: (s: SessionSnapshot) => SessionSnapshot): SessionSnapshot[] {
  return sessions.map((s) => (s.resource === resource ? f(s) : s));
}

function messageFor(m: MessageSnapshot, to: "bare" | string, send: SendKind): MessageSnapshot {
  // A new send: no <delay>, no call proposal; only the addressing and the kind vary.
  const base: MessageSnapshot = { type: "chat", hasBody: true, body: m.body ?? COUNTERFACTUAL_BODY, from: m.from, toResource: to === "bare" ? null : to };
  switch (send) {
    case "chat":
      return base;
    case "chat-state":
      return { type: "chat", hasBody: false, from: m.from, toResource: base.toResource, standaloneChatState: true };
    case "groupchat":
      return { ...base, type: "groupchat" };
  }
}

/** The kind of send the recorded message corresponds to, or null when the playground cannot send it as is. */
export function sendKindOf(m: MessageSnapshot): SendKind | null {
  if (m.delayedByOwnDomain || m.callPropose) return null;
  if (m.type === "groupchat" && m.hasBody) return "groupchat";
  if (m.type === "chat" && m.hasBody) return "chat";
  if (m.type === "chat" && !m.hasBody && m.standaloneChatState) return "chat-state";
  return null;
}

function withRegistration(regs: readonly RegistrationSnapshot[], reg: RegistrationSnapshot): RegistrationSnapshot[] {
  // An enable with a key in force replaces it (docs/push-semantics.md §0.1) and becomes the most recent.
  return [...regs.filter((r) => r.jid !== reg.jid || r.node !== reg.node), reg];
}

/**
 * A disable under Prosody (`removalKeepsOtherHolders`): a hibernated session holding the
 * registration cannot have sent it, so it keeps the push identifier and its queue still pushes.
 */
function disabled(input: DecisionInput, change: Extract<Change, { kind: "disable" }>, policy: PolicyName): Pick<DecisionInput, "registrations" | "detached"> {
  const { sessions, registrations } = input;
  const matches = (r: RegistrationSnapshot) => r.jid === change.jid && r.node === change.node;
  const kept = registrations.filter((r) => !matches(r));
  if (POLICIES[policy].removalKeepsOtherHolders !== true) return { registrations: kept };
  const holds = registrations.filter(matches).flatMap((r) => {
    const holders = pushIdentifierHolders(r, registrations).filter((id) => sessions.some((s) => s.sessionId === id && s.state === "hibernated"));
    return holders.length > 0 ? [{ registration: r, holders }] : [];
  });
  return { registrations: kept, ...(holds.length > 0 || input.detached ? { detached: [...(input.detached ?? []), ...holds] } : {}) };
}

function applyToState(input: DecisionInput, change: Change, policy: PolicyName): Pick<DecisionInput, "sessions" | "registrations" | "message" | "detached"> {
  const { sessions, registrations, message } = input;
  const awayFlag = (away: boolean) => POLICIES[policy].parseAwayFlag(away ? "true" : undefined);
  switch (change.kind) {
    case "set-presence":
      return {
        sessions: mapSession(sessions, change.resource, (s) => {
          const presence = presenceFor(change.show, change.priority);
          return { ...s, presence, presenceCount: s.presenceCount + (presence === null ? 0 : 1) };
        }),
        registrations, message,
      };
    case "disconnect":
      return { sessions: sessions.filter((s) => s.resource !== change.resource), registrations, message };
    case "kill-app":
      return { sessions: mapSession(sessions, change.resource, (s) => ({ ...s, state: "hibernated" })), registrations, message };
    case "resume":
      return { sessions: mapSession(sessions, change.resource, (s) => ({ ...s, state: "connected" })), registrations, message };
    case "connect-resource": {
      const presence = presenceFor(change.show, change.priority);
      const session: SessionSnapshot = {
        sessionId: newSessionId(change.resource), resource: change.resource, state: "connected", presence, presenceCount: presence === null ? 0 : 1,
      };
      return { sessions: [...sessions, session], registrations, message };
    }
    case "re-enable": {
      const old = registrations.find((r) => r.jid === change.jid && r.node === change.node);
      if (!old) return { sessions, registrations, message };
      return { sessions, registrations: withRegistration(registrations, { ...old, away: awayFlag(change.away), errorCount: 0 }), message };
    }
    case "enable": {
      const session = change.byResourceStays ? sessions.find((s) => s.resource === change.byResource) : undefined;
      const reg: RegistrationSnapshot = {
        jid: change.jid, node: change.node, away: awayFlag(change.away),
        enabledBySessionId: session?.sessionId ?? goneSessionId(change.byResource), enabledByResource: change.byResource,
        publishOptions: null, errorCount: 0,
      };
      return { sessions, registrations: withRegistration(registrations, reg), message };
    }
    case "disable":
      return { sessions, ...disabled(input, change, policy), message };
    case "send":
      return { sessions, registrations, message: messageFor(message, change.to, change.send) };
    case "policy":
      return { sessions, registrations, message };
  }
}

/**
 * The input and policy as they would have been with `change`. Delivery is routed again; the offline
 * count follows whether the message is now stored; pushedSinceOnline is kept (it describes history).
 */
export function applyChange(input: DecisionInput, change: Change, policy: PolicyName): { input: DecisionInput; policy: PolicyName } {
  const state = applyToState(input, change, policy);
  const judgedBy = change.kind === "policy" ? change.policy : policy;
  const delivery = routeMessage(state.sessions, state.message, POLICIES[judgedBy].bareJidDelivery);
  const wasStored = input.delivery.storedOffline ? 1 : 0;
  const isStored = delivery.storedOffline ? 1 : 0;
  return {
    input: { ...input, ...state, delivery, offlineCount: Math.max(0, input.offlineCount - wasStored + isStored) },
    policy: judgedBy,
  };
}

// ---- sentences --------------------------------------------------------------------------------

/** "away", "available at priority -1", "unavailable". */
export function presenceChoiceText(show: PresenceChoice, priority: number): string {
  return show !== "unavailable" && (priority < 0 || (show === "available" && priority > 0)) ? `${show} at priority ${priority}` : show;
}

function presencePhrase(show: PresenceChoice | null, priority: number): string {
  if (show === null) return "sent no presence";
  if (show === "unavailable") return "sent unavailable presence";
  return priority < 0 || (show === "available" && priority > 0) ? `been ${show} at priority ${priority}` : `been ${show}`;
}

function currentPresence(s: SessionSnapshot): string {
  if (s.presence === null) return "having sent no presence";
  const show = s.presence.show ?? "available";
  return s.presence.priority < 0 ? `${show} at priority ${s.presence.priority}` : show;
}

const SEND_PHRASE: Record<SendKind, string> = {
  chat: "a chat message with a body",
  "chat-state": "a chat state alone (no body)",
  groupchat: "a groupchat message",
};

const bareJid = (jid: string): string => jid.split("/")[0] ?? jid;

function messagePhrase(m: MessageSnapshot): string {
  if (m.callPropose) return "a call proposal";
  if (m.delayedByOwnDomain) return "an offline message handed out again";
  const kind = sendKindOf(m);
  if (kind !== null) return SEND_PHRASE[kind];
  return m.hasBody ? `a ${m.type} message` : `a ${m.type} message without a body`;
}

/** The condition part of a counterfactual: "laptop had been away instead of available". */
export function changeClause(input: DecisionInput, change: Change): string {
  const session = "resource" in change ? input.sessions.find((s) => s.resource === change.resource) : undefined;
  switch (change.kind) {
    case "set-presence": {
      const was = session ? ` instead of ${currentPresence(session)}` : "";
      return `if ${change.resource} had ${presencePhrase(change.show, change.priority)}${was}`;
    }
    case "disconnect":
      return `if ${change.resource} had disconnected`;
    case "kill-app":
      return `if the app on ${change.resource} had been killed (its session hibernated by stream management)`;
    case "resume":
      return `if ${change.resource} had resumed its hibernated session`;
    case "connect-resource":
      return `if a new resource ${change.resource} had connected and ${presencePhrase(change.show, change.priority)}`;
    case "re-enable":
      return change.away
        ? `if registration ${regLabel(change)} had away='true'`
        : `if registration ${regLabel(change)} had been enabled again without away`;
    case "enable": {
      const flag = change.away ? "with away='true'" : "without away";
      return change.byResourceStays
        ? `if ${change.byResource} had enabled a registration ${flag}`
        : `if ${change.byResource} had enabled a registration ${flag} and then disconnected`;
    }
    case "disable":
      return `if registration ${regLabel(change)} had been disabled`;
    case "send": {
      const m = input.message;
      const was = m.toResource === null ? "the bare JID" : `the full JID ${input.account}/${m.toResource}`;
      const now = change.to === "bare" ? "the bare JID" : `the full JID ${input.account}/${change.to}`;
      const sender = bareJid(m.from);
      if (sendKindOf(m) === change.send) return `if ${sender} had sent to ${now} instead of ${was}`;
      const where = now === was ? "" : ` to ${now}`;
      return `if ${sender} had sent ${SEND_PHRASE[change.send]}${where} instead of ${messagePhrase(m)}`;
    }
    case "policy":
      return `under the ${change.policy} policy (${POLICY_GIST[change.policy]})`;
  }
}
