/**
 * The contract between the reference server, the playground's predictions and the tests:
 * every push decision is a pure function of these snapshots (docs/push-semantics.md §0).
 * Nothing here touches sockets, clocks or randomness.
 */

export const POLICY_NAMES = ["spec", "tigase", "prosody", "ejabberd"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export type Show = "chat" | "away" | "xa" | "dnd";
export const SHOW_VALUES: readonly Show[] = ["chat", "away", "xa", "dnd"];

/** Options a server operator can set per virtual host. */
export interface PolicyOptions {
  /** `<show>` values that count as away (§0.1): away and xa by default; dnd can be added. */
  awayShows: readonly Show[];
  /** spec: include `last-message-body` in the summary form (default true). */
  includeBody: boolean;
  /**
   * Added with issue 13, optional: the host's XEP-0198 timers where they differ from its
   * policy's server (`PushPolicy.timers`), e.g. a shorter push hibernation for a demo.
   */
  timers?: Partial<StreamTimers>;
}

/**
 * Added with issue 13: a server's XEP-0198 timers that decide pushes no routed message causes.
 * Each policy carries its server's defaults (`PushPolicy.timers`, checked against Prosody 0.12 and
 * ejabberd 23.01 with scripts/probe-timer-pushes.ts); a host may override them (`PolicyOptions.timers`).
 */
export interface StreamTimers {
  /**
   * Our `<r/>` once this many stanzas are unacknowledged (1: right after each stanza, as Prosody,
   * smacks_max_unacked_stanzas 0, and ejabberd's send_rack do)…
   */
  ackRequestAfterStanzas: number;
  /** …or this long after the first unacknowledged one. */
  ackRequestDelayMs: number;
  /** An `<r/>` unanswered this long fires `onAckOverdue` (Prosody's smacks_max_ack_delay, 30 s); null: nothing. */
  ackOverdueMs: number | null;
  /**
   * An `<r/>` unanswered this long ends the socket and the session hibernates (ejabberd's
   * mod_stream_mgmt ack_timeout, 60 s: then c2s_session_pending pushes for the queue); null: never.
   */
  ackTimeoutMs: number | null;
  /**
   * How long a hibernated session that holds a push registration stays resumable until its first
   * push for a message that `endsPushHibernation` (Prosody's push_max_hibernation_timeout, ejabberd's
   * mod_push_keepalive resume_timeout: 72 h both); then the normal resumption timeout runs from
   * that push. null: the normal timeout only.
   */
  pushHibernationMs: number | null;
  /** A push with no message this long before an extended window ends (ejabberd's wake_on_timeout: 2 min); null: none. */
  wakeUpBeforeMs: number | null;
}

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = { awayShows: ["away", "xa"], includeBody: true };

/** The last available presence a session sent; null when it sent none yet or went unavailable. */
export interface PresenceState {
  show: Show | null;
  priority: number;
  status?: string;
}

/** One session (bound resource) of the account, as the server (or the playground) knows it. */
export interface SessionSnapshot {
  /** Server-side session id: stable for the life of one stream, new on every login. */
  sessionId: string;
  resource: string;
  /**
   * `connected`: the stream is open. `hibernated`: the socket dropped and XEP-0198 keeps the
   * session resumable (issue 5). Closed sessions are simply absent from the snapshot.
   */
  state: "connected" | "hibernated";
  presence: PresenceState | null;
  /** How many available presences this session has sent (0 = none yet). Tigase's "retrieved" ping uses it. */
  presenceCount: number;
}

/** A data form as plain data (publish-options of an `enable`, the summary of a notification). */
export interface DataForm {
  type?: string;
  fields: { var: string; values: string[] }[];
}

export interface RegistrationKey {
  /** Push service JID (the App Server sink, a full JID in the playground). */
  jid: string;
  /** Node; "" when the `enable` carried none (only Prosody and Tigase accept that). */
  node: string;
}

/** One `enable` in force (§0.1 "registration"). */
export interface RegistrationSnapshot extends RegistrationKey {
  away: boolean;
  /** Session that sent the `enable` (Prosody and ejabberd bind the registration to it). */
  enabledBySessionId: string;
  enabledByResource: string;
  publishOptions: DataForm | null;
  /** Non-`wait` App Server errors counted so far (Prosody removes at 16). */
  errorCount: number;
  /**
   * Added with issue 13 (ejabberd, found by the differential run): the enabling session sent a
   * `disable` since it enabled this, which cleared the session's push id, so the session no longer
   * holds it (PushPolicy.disableClearsPushId). Absent: the session holds it while it lives.
   */
  pushIdCleared?: boolean;
  /**
   * Added with issue 13 (ejabberd 23.01, seen with the differential harness): the key the server
   * stores it under when that is not `enabledBySessionId`. ejabberd stores a registration under
   * the sid of the c2s process that enabled it, and a session resumed over XEP-0198 is a new
   * process with a new sid (PushPolicy.resumptionRenewsSessionKey). Absent: `enabledBySessionId`.
   */
  sessionKey?: string;
  /**
   * Added with issue 13 (ejabberd), with `pushIdCleared`: its session's push id moved to a newer
   * key of the same session (an enable after a resumption stored under the new sid), rather than
   * being cleared by a disable. Only the explanation differs.
   */
  pushIdMoved?: boolean;
  /**
   * Added with issue 13 (found by the differential run), only under a policy with
   * `earlierEnablersKeepIdentifier`: sessions that enabled the same jid and node before the
   * enabling session and have enabled nothing since. Prosody sets `session.push_identifier` on
   * each enable and never clears another session's, so they still hold the registration.
   */
  earlierHolders?: string[];
}

/**
 * Added with issue 13 (Prosody, checked against Prosody 0.12 with the differential harness): a
 * registration no longer in the account's store whose push identifier live sessions still hold.
 * mod_cloud_notify's `push_disable` clears only the disabling session's `push_identifier`, and the
 * store's LRU eviction clears none, while a session's smacks queue pushes through its own
 * `push_identifier` and `push_settings` without reading the store. Only the queue paths push it
 * (a stanza queued to a hibernated holder, its hibernation start, its overdue acks); the offline
 * and MAM hooks read the store and never do, and the App Server's answers to it change nothing.
 */
export interface DetachedHold {
  /** The registration as it was when it left the store. */
  registration: RegistrationSnapshot;
  /** Sessions still holding its push identifier, in the order they took it. */
  holders: string[];
}

export type MessageType = "chat" | "normal" | "groupchat" | "headline" | "error";

export interface MessageSnapshot {
  type: MessageType;
  hasBody: boolean;
  body?: string;
  /** Full JID of the sender as received. */
  from: string;
  /** The resource part of `to`, or null for a message to the bare JID. */
  toResource: string | null;
  /** Carries a `<delay>` stamped by the account's own domain (already stored offline once). */
  delayedByOwnDomain?: boolean;
  /**
   * Carries a XEP-0353 `<propose xmlns='urn:xmpp:jingle-message:0'>` (a call offer, B.2 row 15).
   * Added because the servers treat it apart from body-less messages: Prosody pushes it to every
   * registration as urgent, Tigase only to registrations enabled with `<jingle/>` (docs/push-semantics.md A.1, A.4).
   */
  callPropose?: boolean;
  /**
   * No `<body>` or `<subject>` element at all and no child but chat states, delays, XEP-0022
   * events and processing hints: ejabberd's `is_standalone_chat_state`. Added because ejabberd
   * (store_empty_body: unless_chat_state) bounces such a message instead of storing it offline, so
   * it never pushes for it, while it stores and pushes other body-less messages (checked against
   * ejabberd 23.01).
   */
  standaloneChatState?: boolean;
}

/**
 * Who gets a chat or normal message to the bare JID (RFC 6121 §8.5.2.1.1 allows both):
 * `every-routable`, each resource with available presence at priority >= 0; `top-priority`, only
 * those of the highest priority (Prosody's `top_resources`, ejabberd's `MaxPrio`).
 */
export type BareJidDelivery = "every-routable" | "top-priority";

/** RFC 6121 §8.5 delivery of one message, computed by `routeMessage` (routing.ts). */
export interface Delivery {
  /** Resources the message is delivered to now. */
  deliveredTo: string[];
  /** Stored offline (no receiving session) for later delivery with a XEP-0203 delay. */
  storedOffline: boolean;
  /**
   * Error the sender must get instead of a delivery. Added because RFC 6121 §8.5.2.1.1 makes it a
   * MUST for a groupchat message to a bare JID that has available resources (service-unavailable).
   */
  bounce?: StanzaErrorSpec;
}

export interface DecisionInput {
  /** Bare JID of the account. */
  account: string;
  sessions: SessionSnapshot[];
  registrations: RegistrationSnapshot[];
  message: MessageSnapshot;
  delivery: Delivery;
  options: PolicyOptions;
  /** Messages pushed since the account last had an online session (spec's message-count), before this one. */
  pushedSinceOnline: number;
  /** Messages in offline storage including this one if it was stored (Tigase's message-count). */
  offlineCount: number;
  /** Added with issue 13, optional: registrations gone from the store that sessions still hold (`DetachedHold`). */
  detached?: DetachedHold[];
}

export interface RegistrationVerdict {
  key: RegistrationKey;
  push: boolean;
  /** One sentence: why this registration is (not) pushed. */
  why: string;
  /**
   * Delay for this registration when it differs from `PushDecision.delayMs`. Added because one
   * Prosody message can push a registration of a closed session at once (MAM path) and one of a
   * hibernated session through its 1 s smacks batch timer. Effective delay: `verdict.delayMs ?? decision.delayMs`.
   */
  delayMs?: number;
}

/** Summary form fields to publish; absent fields are left out of the form. */
export interface SummaryFields {
  messageCount?: number;
  lastMessageSender?: string;
  lastMessageBody?: string;
  /** `type` attribute of the summary `<x>` (absent, `form` or `submit` depending on the server). */
  formType?: "form" | "submit";
  /**
   * Publish `<notification/>` with no summary form at all. Added because ejabberd does exactly that
   * for a stanza without a body (`make_summary` returns undefined), which is not the same as a form
   * holding only FORM_TYPE.
   */
  omitForm?: boolean;
}

export interface PushDecision {
  policy: PolicyName;
  /** Stable identifier of the rule that decided, e.g. `spec/all-away`, `prosody/session-not-alive`. */
  rule: string;
  /** One human sentence, e.g. "all 2 receiving resources are away and registration n-3f9 has away=true". */
  reason: string;
  /** Whether the message is pushable at all under this policy (type/body rules). */
  pushable: boolean;
  verdicts: RegistrationVerdict[];
  /** Summary to send with each push (the same for every pushed registration of one message). */
  summary: SummaryFields;
  /** Delay before the publish is sent, in ms (Prosody batches hibernation pushes with a 1 s timer; 0 otherwise). */
  delayMs: number;
}

export type IqType = "get" | "set";

export interface StanzaErrorSpec {
  type: "cancel" | "modify" | "auth" | "wait" | "continue";
  condition: string;
  text?: string;
}

export interface EnableRequest {
  iqType: IqType;
  /** Raw attribute values; undefined when absent. */
  jid?: string;
  node?: string;
  away?: string;
  /** Full JID of the session that sent it. */
  senderFullJid: string;
}

export interface DisableRequest {
  iqType: IqType;
  jid?: string;
  node?: string;
  /** Registrations that the request would remove (already matched by jid and optional node). */
  matched: number;
}

/** What the App Server answered to one publish. */
export type AppServerOutcome =
  | { kind: "result" }
  | { kind: "error"; type: StanzaErrorSpec["type"]; condition: string }
  | { kind: "timeout" };

export interface AppServerReaction {
  action: "keep" | "remove";
  /** New error count of the registration. */
  errorCount: number;
  why: string;
}

/** Notifications a presence change triggers (Tigase's "messages retrieved" ping, §B.3). */
export interface PresencePushInput {
  account: string;
  sessions: SessionSnapshot[];
  registrations: RegistrationSnapshot[];
  /** The session that just sent available presence (its snapshot already updated). */
  sessionId: string;
  options: PolicyOptions;
}

export interface PresencePushDecision {
  rule: string;
  reason: string;
  push: RegistrationKey[];
  summary: SummaryFields;
}

/**
 * One stanza the server had sent to a session, unacknowledged by its client when the session went
 * into XEP-0198 hibernation. Added with issue 5 (see HibernationInput).
 */
export interface QueuedStanzaSnapshot {
  name: "message" | "presence" | "iq";
  /** For a message: what the policies read of any message. */
  message?: MessageSnapshot;
}

/**
 * Added with issue 5 because Prosody (`smacks-hibernation-start`) and ejabberd
 * (`c2s_session_pending`) push, at once, the registration of a session that goes into hibernation
 * while stanzas to it are still unacknowledged (docs/push-semantics.md B.2 row 11). Input of `onHibernation`.
 */
export interface HibernationInput {
  account: string;
  /** The account's sessions right after the change (the session is `hibernated`). */
  sessions: SessionSnapshot[];
  registrations: RegistrationSnapshot[];
  /** The session that went into hibernation. */
  sessionId: string;
  /** Its unacknowledged stanzas, oldest first (never empty when the server asks). */
  queued: QueuedStanzaSnapshot[];
  options: PolicyOptions;
  /** Added with issue 13, optional: registrations gone from the store that sessions still hold (`DetachedHold`). */
  detached?: DetachedHold[];
}

export interface HibernationPushDecision {
  rule: string;
  reason: string;
  /** Publishes to send at once, in order; Prosody may push one registration twice (important, unimportant). */
  pushes: { key: RegistrationKey; summary: SummaryFields; why: string }[];
  /** Added with issue 13: wait this long before publishing (Prosody's 1 s push_queue timer after smacks-ack-delayed); absent: at once. */
  delayMs?: number;
}

export interface PushPolicy {
  name: PolicyName;
  /** One line for the UI: what this policy models. */
  description: string;
  /** Features to list on the account's bare-JID disco#info (owner only). */
  accountFeatures(): string[];
  /** Features to list on the domain's disco#info. */
  domainFeatures(): string[];
  /** null = accept; otherwise the stanza error to answer. `away` is parsed by `parseAwayFlag`. */
  validateEnable(req: EnableRequest): StanzaErrorSpec | null;
  /** Stored away flag for an accepted enable (Prosody/ejabberd ignore it: false). */
  parseAwayFlag(raw: string | undefined): boolean;
  validateDisable(req: DisableRequest): StanzaErrorSpec | null;
  /**
   * Added with issue 13 (found by the differential run): to whom the server delivers a chat or
   * normal message for the bare JID (`routeMessage` reads it).
   */
  bareJidDelivery: BareJidDelivery;
  /**
   * Added with issue 13 (found by the differential run), optional: an enable of a jid and node
   * that another live session enabled before leaves that session holding it too (Prosody's
   * per-session `push_identifier`; see `RegistrationSnapshot.earlierHolders`). Absent: false.
   */
  earlierEnablersKeepIdentifier?: boolean;
  /**
   * Added with issue 13 (Prosody), optional: a registration removed by a `disable` from another
   * session or by the LRU eviction stays held by the sessions whose push identifier it was
   * (`DetachedHold`); a removal clears the push identifier of no session but the disabling one.
   * Absent: a removed registration is held by nobody.
   */
  removalKeepsOtherHolders?: boolean;
  /**
   * Added with issue 13 (found by the differential run), optional: offline messages go out only on
   * a session's initial presence (Prosody fires `message/offline/broadcast` from `presence/initial`
   * handling when `priority >= 0`), not when a session already available raises its priority to 0
   * or more. Absent: whenever a session becomes receiving.
   */
  offlineOnInitialPresenceOnly?: boolean;
  /**
   * Added with issue 13 (found by the differential run, Prosody seed 41), optional: an unavailable
   * presence from a session that never sent available presence is still broadcast to the account's
   * available sessions (Prosody's handle_normal_presence sends every presence to each other
   * resource with `res.presence` before it looks at the type), so it can be queued to a hibernated
   * one. Absent: dropped, as RFC 6121 §4.5.2 has it for a resource that is not available.
   */
  unavailableFromUnavailableBroadcast?: boolean;
  /** Most registrations kept per account (Prosody's LRU holds 5); oldest evicted first. */
  maxRegistrations: number;
  decide(input: DecisionInput): PushDecision;
  onAppServerOutcome(reg: RegistrationSnapshot, outcome: AppServerOutcome): AppServerReaction;
  /** Whether the XEP-0357 §9 remote-disable message from the App Server removes the registration. */
  honoursRemoteDisable: boolean;
  onAvailablePresence(input: PresencePushInput): PresencePushDecision | null;
  /**
   * Added with issue 5, optional (spec and Tigase have no such trigger): what to push when a
   * session goes into XEP-0198 hibernation with unacknowledged stanzas. null or absent: nothing.
   */
  onHibernation?(input: HibernationInput): HibernationPushDecision | null;
  /**
   * Added with issue 13 (found by the differential run), optional: the error a message routed to
   * offline storage gets instead of being stored (ejabberd bounces a standalone chat state). null
   * or absent: stored.
   */
  refuseOffline?(message: MessageSnapshot): StanzaErrorSpec | null;
  /**
   * Added with issue 13, optional: the server's XEP-0198 timers (absent: the reference server's,
   * `REFERENCE_STREAM_TIMERS` in timers.ts).
   */
  timers?: StreamTimers;
  /**
   * Added with issue 13, optional: what to push when an `<r/>` to a connected session went
   * unanswered for `timers.ackOverdueMs` (Prosody's smacks-ack-delayed). `queued`: its
   * unacknowledged stanzas. null or absent: nothing.
   */
  onAckOverdue?(input: HibernationInput): HibernationPushDecision | null;
  /**
   * Added with issue 13, optional: whether pushing this message through a hibernated session's
   * queue ends its extended window (`timers.pushHibernationMs`): Prosody's is_important,
   * ejabberd's is_incoming_chat_msg.
   */
  endsPushHibernation?(message: MessageSnapshot): boolean;
  /**
   * Added with issue 13, optional: whether an App Server answer that removes the registration a
   * hibernated session holds also ends its push hibernation (Prosody's handle_push_error clears
   * the session's push_identifier and restores the smacks watchdog; ejabberd's delete_session
   * leaves the c2s state alone).
   */
  removalEndsPushHibernation?: boolean;
  /**
   * Added with issue 13 (found by the differential run against both servers), optional: what to
   * push when a stanza other than a routed message, a presence broadcast from another resource of
   * the account, is queued to a hibernated session (`input.queued`: that stanza). Prosody's
   * smacks-hibernation-stanza-queued handler and ejabberd's c2s_handle_send on a pending session
   * push the session's registration for it. null or absent: nothing.
   */
  onStanzaQueued?(input: HibernationInput): HibernationPushDecision | null;
  /** Added with issue 13, optional: the push shortly before an extended window ends (`timers.wakeUpBeforeMs`). */
  onWakeUp?(input: HibernationInput): HibernationPushDecision | null;
  /**
   * Added with issue 13 (ejabberd, found by the differential run), optional: registrations are
   * stored under their enabling session's key and deleted by it, so removing one (a disable, an
   * enable of the same jid and node, an App Server error) removes every registration of that session.
   */
  deletesBySession?: boolean;
  /**
   * Added with issue 13 (ejabberd), optional: a `disable` the server processes clears the sending
   * session's push id whatever it matched, so that session holds none of its registrations until it
   * enables again (RegistrationSnapshot.pushIdCleared).
   */
  disableClearsPushId?: boolean;
  /**
   * Added with issue 13 (ejabberd), optional: offline messages are routed again by their own
   * address when a session becomes available, so one sent to a full JID bound by then goes to that
   * session. Absent: the session that became available takes them all.
   */
  reroutesOffline?: boolean;
  /**
   * Added with issue 13 (ejabberd 23.01, seen with the differential harness), optional: a session
   * resumed over XEP-0198 is a new c2s process with a new sid, so what it enables from then on is
   * stored under a new key (RegistrationSnapshot.sessionKey); its push id stays the old key
   * (mod_push's c2s_copy_session, c2s_session_resumed) until it enables again. Absent: a resumed
   * session keeps its key.
   */
  resumptionRenewsSessionKey?: boolean;
}
