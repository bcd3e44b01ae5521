/**
 * Push expectations: for each message sent to the account, what each policy of docs/push-semantics.md §0.2
 * predicts (from what the playground knows when it sends), what the App Server sink observed within
 * a wait window, the verdict per policy, and the reference server's own decision record beside it.
 * Plain, JSON-serialisable data: the store keeps these records and the views only read them.
 */
import type {
  Delivery,
  MessageSnapshot,
  PolicyName,
  PushDecision,
  RegistrationKey,
  RegistrationSnapshot,
  SessionSnapshot,
} from "../../protocol/policy/types";
import type { LaneId, LinkMethod } from "../model";

export const DEFAULT_WINDOW_MS = 3_000;
/** Bounds for the user's wait window: long enough for Prosody's 1 s hibernation batch, short enough to stay interactive. */
export const MIN_WINDOW_MS = 200;
export const MAX_WINDOW_MS = 60_000;

/** A registration a policy leaves out of its decision input, and why (e.g. removed after an App Server error). */
export interface ExcludedRegistration {
  key: RegistrationKey;
  why: string;
}

/** One policy's prediction for one message. */
export interface PolicyPrediction {
  policy: PolicyName;
  /** What the shared decision function returned for the playground's snapshot. */
  decision: PushDecision;
  /** Registrations the decision pushes, in decision order. */
  expected: RegistrationKey[];
  /** The registrations this policy decided on (the playground's, after `excluded`). */
  registrations: RegistrationSnapshot[];
  /** Registrations the playground knows that this policy would not hold any more. */
  excluded: ExcludedRegistration[];
  /** Where this policy's server puts the message (bare-JID delivery differs between policies). */
  delivery: Delivery;
}

/** A publish the sink received, as far as matching it to a message goes. */
export interface ObservedPush {
  eventId: string;
  iqId: string;
  /** The push iq's `to` and its publish node ("" when it named none). */
  key: RegistrationKey;
  at: number;
  linkMethod: LinkMethod | null;
}

export interface Observation {
  /** When the wait window closed; null while it is open. */
  closedAt: number | null;
  /** Pushes linked to this message that arrived within the window. */
  pushes: ObservedPush[];
  /** Pushes linked to this message that arrived after the window (shown, not judged). */
  late: ObservedPush[];
  /** Why the sink could not observe this message's pushes (it was offline, …); null when it could. */
  unobservable: string | null;
}

export type VerdictStatus = "pending" | "match" | "mismatch" | "unobservable";

export interface PolicyVerdict {
  policy: PolicyName;
  status: VerdictStatus;
  /** Expected (and observable) but not observed. */
  missing: RegistrationKey[];
  /** Observed but not expected. */
  unexpected: RegistrationKey[];
  /** Registrations pushed more than once for this message. */
  duplicates: RegistrationKey[];
  /** Expected pushes to registrations whose jid is not the sink: they cannot be observed. */
  unobservableKeys: RegistrationKey[];
  /** One sentence: why this outcome was expected, and what differed if anything. */
  sentence: string;
}

/** The reference server's `message-decision` record for this message, checked against the prediction. */
export interface ServerCheck {
  seq: number;
  host: string;
  policy: PolicyName;
  rule: string;
  reason: string;
  pushed: RegistrationKey[];
  /** The prediction for the server's policy reached the same rule and the same pushed registrations. */
  agrees: boolean;
  /** One sentence per difference (rule, pushed registrations, then the inputs behind them). */
  differences: string[];
  /**
   * The shared decision function run on the server's OWN inputs: when it reproduces the server's
   * record, a disagreement comes from different inputs (what each side knew); when it does not,
   * the server did not decide with the function it names.
   */
  replayMatches: boolean;
}

export interface ExpectationRecord {
  messageId: string;
  /** The message-sent timeline event. */
  eventId: string;
  lane: LaneId;
  sentAt: number;
  windowMs: number;
  account: string;
  /** The sink's full JID when the message was sent: pushes can only be observed for registrations pointing at it. */
  sinkJid: string;
  message: MessageSnapshot;
  /** The playground's snapshot of the account's sessions (ids: lane, resource and connection generation). */
  sessions: SessionSnapshot[];
  delivery: Delivery;
  predictions: Record<PolicyName, PolicyPrediction>;
  observation: Observation;
  verdicts: Record<PolicyName, PolicyVerdict>;
  server: ServerCheck | null;
}

