/**
 * "Why (not) pushed, and what would have changed it" as plain data (issue 9). The explanation card
 * and the counterfactuals are computed from the same DecisionInput the policies decide on, so the
 * reference server's decision record and the playground's predictions explain themselves alike.
 */
import type {
  AppServerOutcome,
  AppServerReaction,
  MessageType,
  PolicyName,
  RegistrationKey,
  Show,
} from "../policy/types";

/** Where the decision comes from: the reference server's record, or a prediction for a real server. */
export type DecisionSource = "decision-record" | "prediction";

/** Extra facts the caller may know beside the DecisionInput; every field is optional. */
export interface ExplainFacts {
  /** Default "prediction": only the reference server's own record is not one. */
  source?: DecisionSource;
  /** The message's `id`, to tie the card to a timeline row. */
  messageId?: string;
  /** Whether the server advertises `tigase:push:away:0`; undefined when disco has not run. */
  awayAdvertised?: boolean;
  /** What the App Server did with each publish, when known (the push lifecycle). */
  publishes?: PublishFact[];
  /** Registrations the server removed before this message (issue 10: the push that silently stops). */
  removed?: RemovedRegistrationFact[];
}

/** A registration the server dropped before the message, and why. */
export interface RemovedRegistrationFact {
  key: RegistrationKey;
  /** The App Server answer that caused the removal, when one did. */
  cause: AppServerOutcome | null;
  /** The server's removal rule in words, e.g. "ejabberd removes on the first non-wait error". */
  rule: string;
}

export interface PublishFact {
  key: RegistrationKey;
  outcome: AppServerOutcome | { kind: "pending" };
  reaction?: AppServerReaction;
}

/**
 * How a resource stands in docs/push-semantics.md §0.1's vocabulary. `online` and `away` are receiving sessions;
 * everything else (no presence, negative priority, hibernated) is `not-receiving`.
 */
export type Standing = "online" | "away" | "not-receiving";

export interface ResourceState {
  resource: string;
  sessionId: string;
  connection: "connected" | "hibernated";
  receiving: boolean;
  standing: Standing;
  /**
   * How the judging policy counts it where that differs from §0.1: Tigase counts any presence
   * without <show> as online (priority and hibernation aside) and any <show>, chat included, as away.
   */
  countsAs: Standing;
  /** The last available presence: `show` null is plain "available"; null when none was sent. */
  presence: { show: Show | null; priority: number } | null;
  /** "away", "available at priority -1", "no presence yet", "hibernated, last presence away". */
  presenceText: string;
  /** Registrations this session enabled (nodes), which bind to it under prosody and ejabberd. */
  enabled: RegistrationKey[];
  /** Named by the explanation as part of what decided. */
  decisive: boolean;
}

/** The enabling session as a session-bound server sees it (docs/push-semantics.md §0.2 prosody, ejabberd). */
export type EnablerStanding = "connected" | "hibernated" | "gone";

export interface RegistrationState {
  key: RegistrationKey;
  /** The node, or "<jid> (no node)" for an enable without one. */
  label: string;
  away: boolean;
  errorCount: number;
  enabledByResource: string;
  enabler: EnablerStanding;
  /** Whether the enabling session is still alive (connected; a hibernated one is not). */
  enablerAlive: boolean;
  /** The outcome for this registration. */
  push: boolean;
  why: string;
  /** Effective publish delay in ms, when pushed. */
  delayMs?: number;
  publish?: PublishFact;
  decisive: boolean;
}

export interface MessageState {
  type: MessageType;
  hasBody: boolean;
  /** The body cut to 80 characters, when it has one (untrusted text). */
  bodyPreview?: string;
  from: string;
  /** "bare" or the addressed resource. */
  to: "bare" | string;
  storedOffline: boolean;
  deliveredTo: string[];
  callPropose: boolean;
  delayedByOwnDomain: boolean;
  /** Whether the message itself decided (not pushable, urgent, groupchat trigger). */
  decisive: boolean;
}

export interface ExplanationCard {
  policy: PolicyName;
  source: DecisionSource;
  messageId?: string;
  account: string;
  pushed: boolean;
  pushedTo: RegistrationKey[];
  /** One or two plain sentences. */
  headline: string;
  rule: { id: string; title: string; reason: string };
  message: MessageState;
  resources: ResourceState[];
  registrations: RegistrationState[];
  /** Caveats beside the rule (e.g. the server does not advertise away). */
  notes: string[];
}

// ---- counterfactuals ----------------------------------------------------------------------------

/** What a resource can be told to send: the playground's presence choices. */
export type PresenceChoice = "available" | Show | "unavailable";
/** What bob can send: the playground's send kinds (chat with a body, chat state alone, groupchat). */
export type SendKind = "chat" | "chat-state" | "groupchat";

/**
 * One change a user can make in the playground. Each maps onto playground actions (set presence,
 * disconnect, kill app, resume, add and connect a resource, enable, disable, send, server policy).
 */
export type Change =
  | { kind: "set-presence"; resource: string; show: PresenceChoice; priority: number }
  | { kind: "disconnect"; resource: string }
  | { kind: "kill-app"; resource: string }
  | { kind: "resume"; resource: string }
  | { kind: "connect-resource"; resource: string; show: PresenceChoice; priority: number }
  /** Enable the registration (jid, node) again, from the same resource, with or without away='true'. */
  | { kind: "re-enable"; jid: string; node: string; away: boolean; byResource: string }
  /**
   * Enable a new registration from `byResource`. `byResourceStays` false: the resource enables and
   * then disconnects (so the registration outlives its session, as with a phone that went away).
   */
  | { kind: "enable"; jid: string; node: string; away: boolean; byResource: string; byResourceStays: boolean }
  | { kind: "disable"; jid: string; node: string }
  | { kind: "send"; to: "bare" | string; send: SendKind }
  | { kind: "policy"; policy: PolicyName };

/** The gist of a PushDecision. */
export interface DecisionSummary {
  policy: PolicyName;
  rule: string;
  pushed: boolean;
  pushedTo: RegistrationKey[];
  reason: string;
}

export interface Counterfactual {
  change: Change;
  /** "would have been pushed to n-3f9 if laptop had been away instead of available". */
  sentence: string;
  outcome: DecisionSummary;
  /** Other changes of the same kind, on the same target, with the same outcome (folded into the sentence). */
  equivalents: Change[];
}
