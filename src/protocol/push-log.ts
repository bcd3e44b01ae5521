/**
 * The reference server's record of every push decision and registration change, in the form
 * the playground fetches (HTTP `GET /xmpp-push/log` or the XMPP iq in NS.decisions).
 */
import type {
  AppServerOutcome,
  AppServerReaction,
  Delivery,
  PolicyName,
  PresencePushDecision,
  PushDecision,
  RegistrationKey,
  RegistrationSnapshot,
  SessionSnapshot,
  StanzaErrorSpec,
} from "./policy/types";

interface PushLogBase {
  /** Monotonic per server instance; fetch with `after=<seq>` to get only newer entries. */
  seq: number;
  /** ISO-8601 time the server recorded it. */
  at: string;
  /** Virtual host and its policy. */
  host: string;
  policy: PolicyName;
  /** Bare JID of the account concerned. */
  account: string;
}

export interface MessageDecisionEntry extends PushLogBase {
  kind: "message-decision";
  /** `id` attribute of the message, when it had one. */
  messageId: string | null;
  from: string;
  to: string;
  sessions: SessionSnapshot[];
  registrations: RegistrationSnapshot[];
  delivery: Delivery;
  decision: PushDecision;
}

export interface PresenceDecisionEntry extends PushLogBase {
  kind: "presence-decision";
  resource: string;
  sessions: SessionSnapshot[];
  registrations: RegistrationSnapshot[];
  decision: PresencePushDecision;
}

export interface PublishEntry extends PushLogBase {
  kind: "publish";
  key: RegistrationKey;
  /** id of the publish iq sent to the App Server. */
  iqId: string;
  /** seq of the decision entry that caused it. */
  causeSeq: number;
  /** Filled by a later `publish-outcome` entry with the same iqId. */
}

export interface PublishOutcomeEntry extends PushLogBase {
  kind: "publish-outcome";
  key: RegistrationKey;
  iqId: string;
  outcome: AppServerOutcome;
  reaction: AppServerReaction;
}

export interface RegistrationEntry extends PushLogBase {
  kind: "enable" | "disable" | "registration-removed";
  resource: string | null;
  key: RegistrationKey | null;
  /** For enable: the stored registration; for removal: why (App Server error, remote disable, LRU). */
  registration?: RegistrationSnapshot;
  error?: StanzaErrorSpec;
  why: string;
}

export type PushLogEntry =
  | MessageDecisionEntry
  | PresenceDecisionEntry
  | PublishEntry
  | PublishOutcomeEntry
  | RegistrationEntry;

/**
 * Body of `GET /xmpp-push/log?account=&after=&limit=` (src/server/http-log.ts), oldest first.
 * Added by the stream/shell helper so the app and the server share the HTTP shape.
 */
export interface PushLogResponse {
  entries: PushLogEntry[];
}
