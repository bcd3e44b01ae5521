/**
 * The timeline's events. Plain, JSON-serialisable data: the timeline is exported and imported
 * as-is. Only the playground's recorder writes them (src/app/playground/recorder.ts).
 */
import type { AppServerOutcome, DataForm, Show } from "../../protocol/policy/types";
import type { AppServerFacts } from "../app-server/types";
import type { PlaygroundError } from "./errors";
import type { ConnectionStatus, LaneId } from "./lanes";
import type { DiscoTarget } from "./operations";

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

/**
 * How a push was tied to what caused it: the server's log, a guess (the latest message), or a
 * prediction of the policies for a push no message causes (a presence queued to a hibernated
 * session; `causeEventId` is then that presence's event).
 */
export type LinkMethod = "server log" | "heuristic" | "prediction";

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
  /** The App Server profile's and faults' account of the publish (absent for plain generic). */
  appServer?: AppServerFacts;
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
