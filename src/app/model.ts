/**
 * Domain and event types of the playground SPA. Session classes (src/app/xmpp) produce these,
 * the Playground service (src/app/playground.ts) is the only writer into the stores, and React
 * components only read them. Everything here is plain, JSON-serialisable data: the timeline is
 * exported and imported as-is.
 */
import type { StanzaKind } from "../protocol/xml-format";
import type { AppServerOutcome, DataForm, PresenceState, Show, StanzaErrorSpec } from "../protocol/policy/types";

export type { DataForm, PresenceState, Show, StanzaErrorSpec };

// ---------------------------------------------------------------------------------------------
// Sessions and lanes
// ---------------------------------------------------------------------------------------------

/**
 * A lane is one session's row on the timeline. Resource sessions get generated ids (`res-1`,
 * `res-2`, …); the sender and the sink have fixed ids; `server` holds the reference server's
 * logged decisions; `playground` holds events that belong to no session (e.g. a server-log fetch
 * problem).
 */
export type LaneId = string;
export const SENDER_LANE: LaneId = "sender";
export const SINK_LANE: LaneId = "sink";
/** Decisions read from the reference server's push log (why a push was or was not sent). */
export const SERVER_LANE: LaneId = "server";
export const PLAYGROUND_LANE: LaneId = "playground";
/** What the Scenarios panel's harness clients did (they are not playground sessions). */
export const SCENARIO_LANE: LaneId = "scenarios";
/** Lanes that are not sessions (so not in the sessions store), with their display labels. */
export const FIXED_LANES: Readonly<Record<string, string>> = { [SERVER_LANE]: "server log", [PLAYGROUND_LANE]: "playground", [SCENARIO_LANE]: "scenarios" };

export type SessionRole = "resource" | "sender" | "sink";

/** How a lane is labelled and coloured (kept for removed sessions and carried in exports). */
export interface LaneInfo {
  label: string;
  colour: string;
  role: SessionRole | "server" | "playground";
}

/**
 * Connection lifecycle as the UI shows it.
 * - `offline`: never connected, or closed.
 * - `connecting`: socket opening, stream negotiation, SASL, bind.
 * - `online`: authenticated and bound (xmpp.js `online`).
 * - `disconnecting`: closing the stream.
 * - `failed`: the last attempt or the live stream ended with an error (see `lastError`).
 */
export type ConnectionStatus = "offline" | "connecting" | "online" | "disconnecting" | "failed";

/** `available` = presence without `<show>`; `unavailable` = presence type='unavailable'. */
export type PresenceChoice = "available" | Show | "unavailable";
export const PRESENCE_CHOICES: readonly PresenceChoice[] = ["available", "chat", "away", "xa", "dnd", "unavailable"];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type PlaygroundErrorCode =
  /** The WebSocket URL does not parse or is not ws:/wss: with a host. */
  | "bad-url"
  /** The domain is not a valid JID domainpart. */
  | "bad-domain"
  /** A JID (account, sink, enable jid, message target) is malformed. */
  | "bad-jid"
  /** The WebSocket could not be opened (refused, DNS, TLS) or closed before the stream opened. */
  | "socket-refused"
  /** The socket closed while the stream was up, without a stream error. */
  | "socket-closed"
  /** The server closed the stream (`<close/>`) without a stream error. */
  | "stream-closed"
  /** SASL not-authorized. */
  | "bad-credentials"
  /** Any other SASL failure (mechanism missing, aborted, …). */
  | "sasl-failure"
  /** The server sent `<stream:error>`. */
  | "stream-error"
  /** An iq got no answer in time, or connecting took too long. */
  | "timeout"
  /** An iq was answered with `type='error'`. */
  | "stanza-error"
  /** The action needs an online session that is not. */
  | "not-connected"
  /** Raw XML in the send box does not parse as exactly one element. */
  | "bad-xml"
  /** A form value is invalid (e.g. burst count). */
  | "bad-input"
  /** Importing a timeline file failed validation. */
  | "import"
  /** The server's push log could not be fetched. */
  | "server-log"
  /** Anything else (a bug, or an unexpected library error). */
  | "internal";

export interface PlaygroundError {
  code: PlaygroundErrorCode;
  /** One user-facing sentence, specific: "bad credentials for alice@localhost". */
  message: string;
  /** Stream error or stanza error condition, SASL failure condition. */
  condition?: string;
  /** `<text/>` of the error, as sent by the server. */
  text?: string;
  /** Stanza error type. */
  type?: StanzaErrorSpec["type"];
  /** Underlying technical detail (e.g. WebSocket close code 1006). */
  detail?: string;
}

// ---------------------------------------------------------------------------------------------
// Timeline events
// ---------------------------------------------------------------------------------------------

interface EventBase<K extends string> {
  /** Unique within a playground run (and within an export). */
  id: string;
  /** Epoch milliseconds when the playground observed it. */
  at: number;
  lane: LaneId;
  kind: K;
  /** Plain one-line text, never HTML. */
  summary: string;
  /** The stanza (serialised, unformatted; pass through prettyXml for display). SASL masked. */
  xml?: string;
}

export interface ConnectionEvent extends EventBase<"connection"> {
  status: ConnectionStatus;
  /** Full JID once bound. */
  jid?: string;
  error?: PlaygroundError;
  /**
   * Added with XEP-0198 (issue 5): a stream-management step rather than a plain connect or
   * disconnect. `killed`: the socket was dropped without `</close>` (the "app killed" simulation);
   * `resumed`: the same session came back; `resume-failed`/`expired`: it could not.
   */
  sm?: "killed" | "resumed" | "resume-failed" | "expired";
  /** sm `resumed`: stanzas the server re-sent on the resumed stream (from its log, or counted). */
  redelivered?: number;
  /** sm `resumed`: our own unacknowledged stanzas the client re-sent. */
  resent?: number;
}

export interface ErrorEvent extends EventBase<"error"> {
  error: PlaygroundError;
  /** What the user was doing: "connect", "enable", "send raw", … */
  operation?: string;
}

export interface PresenceEvent extends EventBase<"presence"> {
  /** `out`: this session sent it; `in`: this session received it (e.g. its own reflection). */
  direction: "out" | "in";
  from?: string;
  to?: string;
  available: boolean;
  show: Show | null;
  priority: number;
  status?: string;
}

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
}

export interface DiscoEvent extends EventBase<"disco"> {
  target: DiscoTarget;
  jid: string;
  outcome: IqOutcome;
  identities: DiscoIdentity[];
  features: string[];
  error?: PlaygroundError;
}

/** How an iq request ended. */
export type IqOutcome = "result" | "error" | "timeout";

export interface EnableEvent extends EventBase<"enable"> {
  jid: string;
  node: string;
  away: boolean;
  publishOptions: DataForm | null;
  outcome: IqOutcome;
  error?: PlaygroundError;
}

export interface DisableEvent extends EventBase<"disable"> {
  jid: string;
  /** null = all nodes of `jid`. */
  node: string | null;
  outcome: IqOutcome;
  error?: PlaygroundError;
}

export type SendKind = "chat" | "chat-state" | "groupchat";

export interface MessageSentEvent extends EventBase<"message-sent"> {
  /** The `id` attribute of the sent message (always set by the playground). */
  messageId: string;
  from: string;
  to: string;
  sendKind: SendKind | "raw";
  messageType: string;
  body?: string;
  /** Part of a burst: index from 1. */
  burst?: { index: number; count: number };
  /** Lanes whose session received this message (patched as receipts arrive). */
  receivedBy: LaneId[];
  /** Push events caused by this message (patched as pushes are linked). */
  pushEventIds: string[];
}

export interface MessageReceivedEvent extends EventBase<"message-received"> {
  messageId: string | null;
  from: string;
  to: string;
  messageType: string;
  body?: string;
  /** Carries a XEP-0203 delay (offline delivery). */
  delayed: boolean;
  /** The message-sent event with the same id, when the playground sent it. */
  causeEventId?: string;
}

/** How a push was tied to the message that caused it. */
export type LinkMethod = "server log" | "heuristic";

export interface PushNotificationFields {
  formType?: string;
  messageCount?: number;
  lastMessageSender?: string;
  lastMessageBody?: string;
  /** Summary form fields outside the four registered ones, and other notification children. */
  otherFields: { var: string; values: string[] }[];
}

export interface PushEvent extends EventBase<"push"> {
  iqId: string;
  from: string;
  node: string | null;
  /** Null when the publish carried no summary form (or failed to parse). */
  notification: PushNotificationFields | null;
  publishOptions: DataForm | null;
  /** Set when the publish was malformed: it was answered `bad-request`. */
  parseError?: string;
  /** How the sink answered (filled when known: immediately for result/error, `timeout` at once for silent mode). */
  answer: AppServerOutcome | null;
  /** `messageId` of the message-sent event that caused it. */
  causeMessageId?: string;
  causeEventId?: string;
  linkMethod?: LinkMethod;
  /** e.g. the server's decision rule and reason, or the heuristic used. */
  linkDetail?: string;
}

export interface SinkAnswerEvent extends EventBase<"sink-answer"> {
  iqId: string;
  pushEventId: string;
  answer: AppServerOutcome;
}

export interface RemoteDisableEvent extends EventBase<"remote-disable"> {
  to: string;
  node: string;
}

export interface RawSendEvent extends EventBase<"raw-send"> {
  /** Element name that was sent. */
  element: string;
}

/** A decision the reference server logged (only when connected to it). */
export interface DecisionEvent extends EventBase<"decision"> {
  seq: number;
  logKind: string;
  rule?: string;
  reason?: string;
  messageId?: string | null;
}

export type TimelineEvent =
  | ConnectionEvent
  | ErrorEvent
  | PresenceEvent
  | DiscoEvent
  | EnableEvent
  | DisableEvent
  | MessageSentEvent
  | MessageReceivedEvent
  | PushEvent
  | SinkAnswerEvent
  | RemoteDisableEvent
  | RawSendEvent
  | DecisionEvent;

export type TimelineKind = TimelineEvent["kind"];
export const TIMELINE_KINDS: readonly TimelineKind[] = [
  "connection",
  "error",
  "presence",
  "disco",
  "enable",
  "disable",
  "message-sent",
  "message-received",
  "push",
  "sink-answer",
  "remote-disable",
  "raw-send",
  "decision",
];

/** Distributive Omit so callers can build any event without id/at (the service stamps them). */
export type NewTimelineEvent = TimelineEvent extends infer E
  ? E extends TimelineEvent
    ? Omit<E, "id" | "at"> & { id?: string; at?: number }
    : never
  : never;

// ---------------------------------------------------------------------------------------------
// Console frames
// ---------------------------------------------------------------------------------------------

/** Coarse kind of a raw frame, for the console's filter (`stanzaKind` in xml-format.ts). */
export type FrameKind = StanzaKind;
export const FRAME_KINDS: readonly FrameKind[] = ["message", "presence", "iq", "sm", "sasl", "stream", "other"];

export interface ConsoleFrame {
  id: string;
  at: number;
  lane: LaneId;
  direction: "in" | "out";
  kind: FrameKind;
  /** Raw text as on the wire, SASL credentials masked. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Profile, disco, registrations, sink
// ---------------------------------------------------------------------------------------------

export interface AccountCredentials {
  username: string;
  password: string;
}

export interface ConnectionProfile {
  /** Display name of the saved profile. */
  name: string;
  /** WebSocket URL; a relative path resolves against the page's origin (ws/wss). */
  service: string;
  domain: string;
  /** The account under test (alice). */
  account: AccountCredentials;
  /** Sends the messages (bob). */
  sender: AccountCredentials;
  /** The App Server sink: account and resource (its full JID is the push service jid). */
  sink: AccountCredentials & { resource: string };
  /** Persist passwords to localStorage (off by default). */
  rememberPassword: boolean;
}

export type DiscoTarget = "account" | "domain";

/** Why a feature is highlighted in the disco panel. */
export type FeatureHighlight = "push" | "push-away" | "tigase-push" | null;

export interface DiscoResult {
  target: DiscoTarget;
  jid: string;
  at: number;
  fromSessionId: string;
  outcome: IqOutcome;
  identities: DiscoIdentity[];
  features: { var: string; highlight: FeatureHighlight }[];
  /** `urn:xmpp:push:0` listed. */
  supportsPush: boolean;
  /** `tigase:push:away:0` listed. */
  supportsAway: boolean;
  error?: PlaygroundError;
}

/** A registration as the playground knows it (from its own enable/disable and the sink's view). */
export interface KnownRegistration {
  jid: string;
  node: string;
  away: boolean;
  publishOptions: DataForm | null;
  enabledBySessionId: string;
  enabledByResource: string;
  enabledAt: number;
  /**
   * `active`: last enable succeeded. `disabled`: removed by a disable. `remote-disabled`: the sink
   * sent the §9 message (the server may or may not honour it). `removed-by-server`: the server's
   * log says it removed it (App Server error, LRU).
   */
  state: "active" | "disabled" | "remote-disabled" | "removed-by-server";
  pushCount: number;
  lastPushAt?: number;
  /** Note on the last state change (server log reason, error). */
  note?: string;
}

export interface OperationResult {
  operation: "enable" | "disable";
  at: number;
  outcome: IqOutcome;
  summary: string;
  error?: PlaygroundError;
}

/** How the sink answers the next publishes. */
export type SinkMode = AppServerOutcome;

export interface SinkCounters {
  received: number;
  answeredResult: number;
  answeredError: number;
  /** Left unanswered on purpose (timeout mode). */
  unanswered: number;
  malformed: number;
}

/** Options for `Playground.send`. */
export interface SendRequest {
  /** `bare` = alice's bare JID, otherwise a resource name of the account. */
  to: "bare" | string;
  kind: SendKind;
  /** Ignored for chat-state. */
  body?: string;
  /** Burst size, 1 when absent; at most MAX_BURST. */
  count?: number;
}
export const MAX_BURST = 1000;

export interface PresenceRequest {
  show: PresenceChoice;
  priority?: number;
  status?: string;
}

export interface EnableRequestForm {
  fromResourceId: string;
  /** Default: the sink's full JID. */
  jid?: string;
  /** Default: a fresh random node. */
  node?: string;
  away: boolean;
  /** Publish-options fields (FORM_TYPE added automatically); null/empty = no form. */
  publishOptions?: { var: string; value: string }[] | null;
}

export interface DisableRequestForm {
  fromResourceId: string;
  jid: string;
  /** Absent = every node of `jid`. */
  node?: string;
}
