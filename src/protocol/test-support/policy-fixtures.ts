/**
 * Snapshot builders for the policy and routing tests (and for anyone predicting a decision by hand):
 * alice@localhost's sessions and registrations, bob's messages, the full-JID App Server sink.
 */
import { routeMessage } from "../routing";
import {
  DEFAULT_POLICY_OPTIONS,
  type BareJidDelivery,
  type DecisionInput,
  type MessageSnapshot,
  type PolicyOptions,
  type RegistrationSnapshot,
  type SessionSnapshot,
  type Show,
} from "../policy/types";

export const ACCOUNT = "alice@localhost";
export const SINK = "pushsvc@localhost/sink";
export const BOB = "bob@localhost/pc";

/** Session ids are derived from the resource so a registration can point at a session that is gone. */
export const sessionIdOf = (resource: string): string => `sess-${resource}`;

/** A connected session with available presence (`show` null = no `<show>`). */
export function available(resource: string, show: Show | null = null, priority = 0): SessionSnapshot {
  return { sessionId: sessionIdOf(resource), resource, state: "connected", presence: { show, priority }, presenceCount: 1 };
}

/** Bound but has sent no presence yet. */
export function noPresence(resource: string): SessionSnapshot {
  return { sessionId: sessionIdOf(resource), resource, state: "connected", presence: null, presenceCount: 0 };
}

/** XEP-0198 hibernated, keeping its last presence. */
export function hibernated(resource: string, show: Show | null = null): SessionSnapshot {
  return { ...available(resource, show), state: "hibernated" };
}

export function registration(node: string, opts: { away?: boolean; by?: string; jid?: string; errorCount?: number } = {}): RegistrationSnapshot {
  const by = opts.by ?? "phone";
  return {
    jid: opts.jid ?? SINK,
    node,
    away: opts.away ?? false,
    enabledBySessionId: sessionIdOf(by),
    enabledByResource: by,
    publishOptions: null,
    errorCount: opts.errorCount ?? 0,
  };
}

export function chat(overrides: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return { type: "chat", hasBody: true, body: "Wherefore art thou?", from: BOB, toResource: null, ...overrides };
}

/** A chat state alone (`<composing/>`, no body): ejabberd's standalone chat state. */
export function chatState(overrides: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return chat({ hasBody: false, body: undefined, standaloneChatState: true, ...overrides });
}

/** A message without a body that is not a standalone chat state (`<body></body>`, XEP-0357 §9's affiliation message). */
export function bodyless(overrides: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return chat({ hasBody: false, body: undefined, ...overrides });
}

export interface InputSpec {
  sessions?: SessionSnapshot[];
  registrations?: RegistrationSnapshot[];
  message?: MessageSnapshot;
  options?: Partial<PolicyOptions>;
  pushedSinceOnline?: number;
  /** Defaults to 1 when the message is stored offline, else 0. */
  offlineCount?: number;
  /** How the router delivers to the bare JID; defaults to every routable resource (spec, tigase). */
  bareJid?: BareJidDelivery;
}

/** A full DecisionInput whose delivery comes from the real router. */
export function input(spec: InputSpec = {}): DecisionInput {
  const sessions = spec.sessions ?? [];
  const message = spec.message ?? chat();
  const delivery = routeMessage(sessions, message, spec.bareJid ?? "every-routable");
  return {
    account: ACCOUNT,
    sessions,
    registrations: spec.registrations ?? [registration("n-1")],
    message,
    delivery,
    options: { ...DEFAULT_POLICY_OPTIONS, ...spec.options },
    pushedSinceOnline: spec.pushedSinceOnline ?? 0,
    offlineCount: spec.offlineCount ?? (delivery.storedOffline ? 1 : 0),
  };
}
