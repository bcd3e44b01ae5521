/**
 * The reference server's record of every push decision and registration change, in the form
 * the playground fetches (HTTP `GET /xmpp-push/log` or the XMPP iq in NS.decisions).
 */
import type {
  AppServerOutcome,
  AppServerReaction,
  DecisionInput,
  Delivery,
  DetachedHold,
  HibernationPushDecision,
  MessageSnapshot,
  PolicyName,
  PolicyOptions,
  PresencePushDecision,
  PresenceState,
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
  /**
   * Added with issue 9 so the record carries the whole DecisionInput the policy decided on (the
   * explanation card and its counterfactuals re-run the policies on it): the message as the policy
   * read it, the host's options and the account's counters. Optional: older records lack them.
   */
  message?: MessageSnapshot;
  options?: PolicyOptions;
  pushedSinceOnline?: number;
  offlineCount?: number;
  /** Added with issue 13: registrations gone from the store that sessions still held (Prosody; DecisionInput.detached). */
  detached?: DetachedHold[];
}

/** The DecisionInput a `message-decision` entry was decided on, or null for a record from before issue 9. */
export function decisionInputOf(entry: MessageDecisionEntry): DecisionInput | null {
  const { message, options, pushedSinceOnline, offlineCount } = entry;
  if (!message || !options || pushedSinceOnline === undefined || offlineCount === undefined) return null;
  // The record arrives over HTTP or XMPP: check the shapes the policies read before trusting it.
  const shaped =
    typeof message === "object" && typeof message.type === "string" && typeof message.hasBody === "boolean" && typeof message.from === "string" &&
    typeof options === "object" && Array.isArray(options.awayShows) &&
    Array.isArray(entry.sessions) && Array.isArray(entry.registrations) &&
    typeof entry.delivery === "object" && entry.delivery !== null && Array.isArray(entry.delivery.deliveredTo) &&
    typeof pushedSinceOnline === "number" && typeof offlineCount === "number";
  if (!shaped) return null;
  return {
    account: entry.account,
    sessions: entry.sessions,
    registrations: entry.registrations,
    message,
    delivery: entry.delivery,
    options,
    pushedSinceOnline,
    offlineCount,
    ...(Array.isArray(entry.detached) && entry.detached.length > 0 ? { detached: entry.detached } : {}),
  };
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
  /**
   * Added with XEP-0198 hibernation (issue 5): how long the publish waited after its decision
   * (Prosody's 1 s smacks batch timer, `verdict.delayMs`). Absent when it went out at once.
   */
  delayedMs?: number;
  /**
   * Added with issue 5: seqs of later decisions for the same registration that joined this
   * publish's batch window and got no publish of their own (Prosody pushes once per timer run).
   */
  batchedSeqs?: number[];
  /** Added with issue 5: one sentence on why it was delayed, e.g. "batched 1 s like Prosody's smacks timer…". */
  note?: string;
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

/**
 * Added with XEP-0198 (issue 5), so the playground's timeline can show what the push policies see:
 * a session hibernating when its socket drops, resuming on a new stream, or expiring. `session-closed`
 * is recorded only when a session with stream management ended with unacknowledged stanzas (e.g. a
 * client that miscounts its acks and closes cleanly), to show where those stanzas went.
 */
export interface SessionStateEntry extends PushLogBase {
  /**
   * Issue 13 added the server timers that act with no message routed: `session-ack-overdue` (an
   * `<r/>` unanswered too long: Prosody's smacks-ack-delayed push, in `decision`),
   * `session-wake-up` (ejabberd's mod_push_keepalive push before an extended hibernation ends),
   * `session-window-restored` (the first important push ended the push hibernation: the normal
   * resumption timeout, `resumptionTimeoutMs`, runs from it).
   */
  kind:
    | "session-hibernated"
    | "session-resumed"
    | "session-expired"
    | "session-closed"
    | "session-ack-overdue"
    | "session-wake-up"
    | "session-window-restored";
  resource: string;
  sessionId: string;
  /** The account's sessions right after the change (the snapshots the policies decide on). */
  sessions: SessionSnapshot[];
  /** Stanzas sent to the session that its client had not acknowledged at this point. */
  unacked: number;
  /** session-hibernated, session-window-restored: how long the session stays resumable from now. */
  resumptionTimeoutMs?: number;
  /**
   * session-hibernated: the policy's push for the unacknowledged queue (Prosody's
   * smacks-hibernation-start, ejabberd's c2s_session_pending). Publishes it caused carry this
   * entry's seq as `causeSeq`. Absent when the policy has no such trigger or the queue was empty.
   */
  decision?: HibernationPushDecision;
  /** session-resumed: how long it was hibernated, and how many stanzas were re-sent. */
  hibernatedMs?: number;
  redelivered?: number;
  /** session-resumed: registrations whose batched publish was dropped because the session is alive again. */
  cancelledPushes?: RegistrationKey[];
  /** session-expired / session-closed: what became of the unacknowledged stanzas. */
  unackedOutcome?: UnackedOutcome;
  why: string;
}

/** Where a gone session's unacknowledged stanzas went (RFC 6121 §8.5, XEP-0198 §4). */
export interface UnackedOutcome {
  /** Messages stored offline for the account's next receiving session. */
  storedOffline: number;
  /** Messages to the gone full JID re-routed to the account's other receiving resources. */
  rerouted: number;
  /** iq requests answered with an error on the gone session's behalf. */
  bounced: number;
  /** Everything else: presence, iq results, errors, headline/groupchat, bare-JID messages others already got. */
  dropped: number;
}

/**
 * Added with issue 10: a test push the account's owner asked for (`<test-push/>` in NS.decisions,
 * like Apple's and Stream's test sends): one publish to one registration with no message behind
 * it. The `publish` it caused carries this entry's seq as `causeSeq`, and its `publish-outcome`
 * is folded into the registration like any other (a test push can remove a registration).
 */
export interface TestPushEntry extends PushLogBase {
  kind: "test-push";
  /** The resource of the session that asked. */
  resource: string;
  key: RegistrationKey;
  why: string;
}

/**
 * Added with issue 12 so the playground can show the account's sessions it did not open (a real
 * app, a second browser): every bind, every end and every presence change of every session, with
 * the client's XEP-0115 caps node when its presence carried one.
 */
export interface SessionLifecycleEntry extends PushLogBase {
  kind: "session-bound" | "session-ended" | "session-presence";
  resource: string;
  sessionId: string;
  /** session-presence: the presence now; null after unavailable presence. */
  presence?: PresenceState | null;
  /** session-presence: the `node` of the presence's XEP-0115 `<c/>`, when it had one. */
  capsNode?: string;
  /** session-ended: why, in the server's words (`closed`, `dropped`, `error`, `replaced`, `expired`). */
  reason?: string;
  why: string;
}

const SESSION_LIFECYCLE_KINDS: ReadonlySet<string> = new Set<SessionLifecycleEntry["kind"]>(["session-bound", "session-ended", "session-presence"]);

export function isSessionLifecycle(entry: PushLogEntry): entry is SessionLifecycleEntry {
  return SESSION_LIFECYCLE_KINDS.has(entry.kind);
}

export type PushLogEntry =
  | MessageDecisionEntry
  | SessionLifecycleEntry
  | TestPushEntry
  | PresenceDecisionEntry
  | PublishEntry
  | PublishOutcomeEntry
  | RegistrationEntry
  | SessionStateEntry;

/**
 * Body of `GET /xmpp-push/log?account=&after=&limit=` (src/server/http-log.ts), oldest first.
 * Added by the stream/shell helper so the app and the server share the HTTP shape.
 */
export interface PushLogResponse {
  entries: PushLogEntry[];
  /** This run of the server: it changes on a restart, when `seq` starts over from 1 (a reader resets its `after`). */
  instance?: string;
}
