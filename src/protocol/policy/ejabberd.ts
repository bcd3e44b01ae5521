/**
 * `ejabberd`: mod_push with mod_mam (docs/push-semantics.md §0.2, A.2, A.3, B.2, B.4, E). A registration is bound
 * to the session that enabled it; mod_push's MAM hook pushes one-to-one messages to registrations
 * whose session ejabberd no longer holds, and a hibernated (pending) session gets a push for any
 * stanza queued for it. `away` is ignored.
 */
import { NS } from "../ns";
import {
  type EnablerState,
  decision,
  enablerState,
  enablersAre,
  errorText,
  everyReg,
  groupByPath,
  isAre,
  isBlank,
  isChatOrNormal,
  isValidJid,
  nextErrorCount,
  noRegistrations,
  holdsPushIdentifier,
  plural,
  queuedToHibernatedEnabler,
  regsPhrase,
  stanzaError,
  verdict,
} from "./common";
import type {
  AppServerOutcome,
  AppServerReaction,
  DecisionInput,
  DisableRequest,
  EnableRequest,
  HibernationInput,
  HibernationPushDecision,
  MessageSnapshot,
  PushDecision,
  PushPolicy,
  RegistrationSnapshot,
  StanzaErrorSpec,
  StreamTimers,
  SummaryFields,
} from "./types";

/** include_body's default: a fixed placeholder instead of the real body. */
export const EJABBERD_BODY_PLACEHOLDER = "New message";

type Path = "offline" | "not-alive" | "cleared" | "moved" | "pending" | "alive" | "no-body";

const PUSH_PATHS: readonly Path[] = ["offline", "not-alive", "cleared", "moved", "pending"];
/** Order of the reason's clauses; the first path present names the rule (a pushing one if any). */
const PATH_ORDER: readonly Path[] = [...PUSH_PATHS, "no-body", "alive"];

const RULES: Record<Path, string> = {
  offline: "ejabberd/offline",
  "not-alive": "ejabberd/session-not-alive",
  cleared: "ejabberd/push-id-cleared",
  moved: "ejabberd/push-id-moved",
  pending: "ejabberd/session-pending",
  alive: "ejabberd/session-alive",
  "no-body": "ejabberd/no-body",
};

/**
 * `offlineUnarchived`: stored offline but not archived by mod_mam (no body), so mod_push's
 * offline_message hook, which leaves archived messages to the MAM hook, pushes every registration.
 * Observed on ejabberd 23.01 with nobody connected: a `<body></body>` message or XEP-0357 §9's
 * affiliation message is stored and pushed without a summary form; a standalone chat state (or an
 * empty message) is bounced with service-unavailable (store_empty_body: unless_chat_state), not
 * stored, and not pushed.
 */
function pathOf(state: EnablerState, archived: boolean, offlineUnarchived: boolean, queuedToEnabler: boolean, reg: RegistrationSnapshot): Path {
  const pushIdCleared = reg.pushIdCleared === true;
  // c2s_handle_send pushes for stanzas sent to the pending session; a message stored offline or
  // for another resource does not pass it, and the MAM hook counts the pending session as online
  // (ejabberd 23.01, differential run).
  if (state === "hibernated" && queuedToEnabler) return "pending";
  if (offlineUnarchived) return "offline";
  // drop_online_sessions drops the registrations whose id a live session holds as its push_id,
  // which a disable from that session deletes (ejabberd_sm:del_user_info(..., push_id)).
  if (state !== "gone" && !pushIdCleared) return "alive";
  if (!archived) return "no-body";
  if (state === "gone") return "not-alive";
  // A resumed session is a new c2s process with a new sid: an enable from it moved its push id there.
  return reg.pushIdMoved === true ? "moved" : "cleared";
}

const WHY: Record<Path, (reg: RegistrationSnapshot) => string> = {
  offline: () => "pushed: the body-less message is stored offline without being archived, so mod_push's offline hook pushes every registration",
  "not-alive": (r) => `pushed: ${enablersAre([r])} gone, so mod_push's MAM hook pushes it`,
  cleared: (r) => `pushed: ${enablersAre([r])} live but sent a disable since it enabled this, which cleared its push id, so mod_push's MAM hook pushes it`,
  moved: (r) =>
    `pushed: ${enablersAre([r])} live, but it was resumed since it enabled this (a new c2s process with a new sid) and enabled again, which moved its push id to the new sid, so mod_push's MAM hook pushes it`,
  pending: (r) => `pushed: ${enablersAre([r])} hibernated, and mod_push pushes every stanza queued for a pending session`,
  alive: (r) => `not pushed: ${enablersAre([r])} still connected, and mod_push's MAM hook skips sessions ejabberd still holds`,
  "no-body": (r) =>
    r.pushIdCleared
      ? `not pushed: the message has no <body>, so mod_mam does not archive it, and ${r.pushIdMoved ? "its enabling session's push id moved to a newer registration (an enable after a resumption)" : "a disable from its enabling session stopped that session's queue pushes"}`
      : `not pushed: the message has no <body>, so mod_mam does not archive it, and ${enablersAre([r])} gone rather than hibernated`,
};

const CLAUSE: Record<Path, (group: RegistrationSnapshot[]) => string> = {
  offline: (g) => `the body-less message is stored offline but not archived by mod_mam, so mod_push's offline hook pushes ${regsPhrase(g)}`,
  "not-alive": (g) => `${regsPhrase(g)} ${isAre(g.length)} pushed by mod_push's MAM hook because ${enablersAre(g)} gone`,
  cleared: (g) => `${regsPhrase(g)} ${isAre(g.length)} pushed by mod_push's MAM hook: ${enablersAre(g)} live, but a disable sent since cleared the push id`,
  moved: (g) =>
    `${regsPhrase(g)} ${isAre(g.length)} pushed by mod_push's MAM hook: ${enablersAre(g)} live, but resumed since (a new c2s process with a new sid) and an enable from it moved the push id to the new sid`,
  pending: (g) => `${regsPhrase(g)} ${isAre(g.length)} pushed because ${enablersAre(g)} hibernated (stream management pending)`,
  alive: (g) => `${regsPhrase(g)} ${isAre(g.length)} not pushed because ${enablersAre(g)} still connected`,
  "no-body": (g) => `${regsPhrase(g)} ${isAre(g.length)} not pushed: without a <body> mod_mam does not archive the message, and only a hibernated enabling session gets a push for it`,
};

/** make_summary with include_sender=false and the default include_body placeholder; no body, no form. */
function summaryFor(message: MessageSnapshot): SummaryFields {
  return message.hasBody ? { formType: "submit", lastMessageBody: EJABBERD_BODY_PLACEHOLDER } : { omitForm: true };
}

/**
 * c2s_session_pending: a session that becomes pending with a non-empty stream-management queue gets
 * one push at once, for the first queued message with a body, or, with none, a bare
 * `<notification/>`. mod_push 23.01's is_incoming_chat_msg looks at the direction and the body
 * only, not the type (`recv -> get_body_text(unwrap_message(Msg)) /= none`), so a queued error or
 * headline with a body gets the summary form too (differential `--timers`, ejabberd seed 64 #2:
 * `A1 enable N2; A1 withholds acks; B → A1: error` pushes N2 with the body placeholder at ack_timeout).
 */
function onHibernation(input: HibernationInput): HibernationPushDecision | null {
  // After a disable the c2s state has no push_session_id, and the hook's lookup finds nothing.
  const own = input.registrations.filter((r) => r.enabledBySessionId === input.sessionId && !r.pushIdCleared && holdsPushIdentifier(r, input.registrations));
  const [first] = own;
  if (!first || input.queued.length === 0) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? first.enabledByResource;
  const withBody = input.queued.find((q) => q.message !== undefined && endsPushHibernation(q.message))?.message;
  const summary = withBody ? summaryFor(withBody) : summaryFor({ type: "chat", hasBody: false, from: "", toResource: null });
  const what = withBody ? "for the first queued message with a body" : "without a summary form, as no queued message has a body";
  return {
    rule: "ejabberd/pending-queue",
    reason:
      `${resource} became pending (stream management) with ${plural(input.queued.length, "unacknowledged stanza")}, ` +
      `so mod_push's c2s_session_pending hook pushes ${regsPhrase(own)} at once ${what}`,
    pushes: own.map((r) => ({ key: { jid: r.jid, node: r.node }, summary, why: `pushed at once ${what}` })),
  };
}

/**
 * mod_push's c2s_handle_send on a pending session: any stanza sent to it, a presence from another
 * resource included, is pushed at once for the session's registrations (no summary form without a
 * chat body). Seen on ejabberd 23.01: `A2 presence; A2 enable N1; A2 drop; A1 presence` pushes N1.
 */
function onStanzaQueued(input: HibernationInput): HibernationPushDecision | null {
  const pushed = onHibernation(input);
  if (!pushed) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? "the session";
  return {
    ...pushed,
    rule: "ejabberd/stanza-queued",
    reason: `a presence was sent to ${resource} while it is pending (stream management), so mod_push's c2s_handle_send pushes ${regsPhrase(pushed.pushes.map((p) => p.key))} at once, without a summary form`,
    pushes: pushed.pushes.map((p) => ({ ...p, why: "pushed at once: a presence was sent to the pending session that enabled it" })),
  };
}

/**
 * Issue 13, ejabberd 23.01 with e2e/real-servers/ejabberd.yml, confirmed with
 * scripts/probe-timer-pushes.ts: send_rack asks for an ack right after each stanza; an `<r/>`
 * unanswered for ack_timeout (60 s) closes the socket and the session goes pending (then
 * c2s_session_pending pushes for the queue, 60 s after the message); mod_push_keepalive keeps a
 * push-enabled pending session whose queue holds no incoming chat message for its resume_timeout
 * (72 h), restores the 60 s on the first one, and wakes the client 2 min before the 72 h end
 * (PUSH_BEFORE_TIMEOUT_PERIOD, wake_on_timeout: true; not observable within a probe).
 */
export const EJABBERD_TIMERS: StreamTimers = {
  ackRequestAfterStanzas: 1,
  ackRequestDelayMs: 1000,
  ackOverdueMs: null,
  ackTimeoutMs: 60_000,
  pushHibernationMs: 72 * 3_600_000,
  wakeUpBeforeMs: 120_000,
};

/** mod_push:is_incoming_chat_msg: any message with a non-empty body (c2s_stanza restores the timeout for it). */
function endsPushHibernation(message: MessageSnapshot): boolean {
  return message.hasBody && message.body !== "";
}

/** mod_push_keepalive's push_keepalive timer: `mod_push:notify(State, none, undefined)`, a notification without a summary form. */
function onWakeUp(input: HibernationInput): HibernationPushDecision | null {
  // notify(State, none, undefined) looks up the c2s state's push_session_id, which a disable removed.
  const own = input.registrations.filter((r) => r.enabledBySessionId === input.sessionId && !r.pushIdCleared && holdsPushIdentifier(r, input.registrations));
  if (own.length === 0) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? own[0]?.enabledByResource ?? "";
  const before = EJABBERD_TIMERS.wakeUpBeforeMs === null ? "" : ` ${EJABBERD_TIMERS.wakeUpBeforeMs / 60_000} min`;
  return {
    rule: "ejabberd/keepalive-wake-up",
    reason: `ejabberd woke ${resource}: its pending session ends in${before} (mod_push_keepalive's resume_timeout), so wake_on_timeout pushes ${regsPhrase(own)} with no message and no summary form`,
    pushes: own.map((r) => ({ key: { jid: r.jid, node: r.node }, summary: { omitForm: true }, why: "pushed with no message: mod_push_keepalive's wake-up before the session times out" })),
  };
}

function notPushableBecause(message: MessageSnapshot): string {
  return message.type === "groupchat"
    ? "mod_push's MAM hook pushes only one-to-one chat messages, so a groupchat message is not pushed (only a pending session's queue or MucSub would be)"
    : `mod_mam does not archive ${message.type} messages, so mod_push does not push them`;
}

function decide(input: DecisionInput): PushDecision {
  const { sessions, registrations, message, delivery } = input;
  const pushable = isChatOrNormal(message);
  if (registrations.length === 0) return noRegistrations("ejabberd", input, pushable);
  // Only the session's last registration is pushed through its queue (one push id per c2s session).
  // A disable from the session removes push_session_id from its c2s state: no queue push after it.
  const queued = (r: RegistrationSnapshot) =>
    r.pushIdCleared !== true && holdsPushIdentifier(r, registrations) && queuedToHibernatedEnabler(r, sessions, delivery.deliveredTo);
  if (!pushable && registrations.some(queued)) {
    // c2s_handle_send pushes for any message sent to a pending session, whatever its type
    // (ejabberd 23.01 pushed an error message to one; differential run).
    return decision("ejabberd", {
      rule: RULES.pending,
      reason: CLAUSE.pending(registrations.filter(queued)),
      pushable: true,
      verdicts: registrations.map((r) => verdict(r, queued(r), queued(r) ? WHY.pending(r) : `not pushed: ${notPushableBecause(message)}`)),
      summary: summaryFor(message),
    });
  }
  if (!pushable) {
    const reason = notPushableBecause(message);
    return decision("ejabberd", { rule: "ejabberd/not-pushable", reason, pushable, verdicts: everyReg(registrations, false, `not pushed: ${reason}`) });
  }

  // A bounced message (a standalone chat state nobody receives, refuseOffline) reaches no session,
  // queue or store, so no hook fires, not even for a hibernated enabler (ejabberd 23.01;
  // found by the differential run).
  if (delivery.bounce && delivery.deliveredTo.length === 0 && !delivery.storedOffline) {
    const reason = "ejabberd bounces the message with service-unavailable: no session, pending queue or offline store gets it, so mod_push has nothing to push";
    return decision("ejabberd", { rule: "ejabberd/bounced", reason, pushable, verdicts: everyReg(registrations, false, `not pushed: ${reason}`) });
  }

  // With mod_mam, a message stored offline is archived first, so mod_push's offline hook stands
  // aside and the MAM hook decides: registrations of sessions ejabberd still holds (even without
  // presence) are dropped (drop_online_sessions). A call proposal has no body: nothing special.
  const archived = message.hasBody;
  // ejabberd does not store a standalone chat state at all (it bounces it), so no hook fires.
  const offlineUnarchived = delivery.storedOffline && !archived && message.standaloneChatState !== true;
  const pathFor = (r: RegistrationSnapshot): Path => pathOf(enablerState(r, sessions), archived, offlineUnarchived, queued(r), r);
  const groups = groupByPath(registrations, pathFor);
  const present = PATH_ORDER.filter((p) => groups.has(p));
  const clauses = present.map((p) => CLAUSE[p](groups.get(p) ?? []));
  if (delivery.storedOffline && archived) clauses.unshift("the message is stored offline and archived by mod_mam");
  return decision("ejabberd", {
    rule: RULES[present[0] ?? "no-body"],
    reason: clauses.join("; "),
    pushable,
    verdicts: registrations.map((r) => {
      const path = pathFor(r);
      return verdict(r, PUSH_PATHS.includes(path), WHY[path](r));
    }),
    summary: summaryFor(message),
  });
}

/** The xmpp codec decodes <enable/> and <disable/> before mod_push sees the iq: a bad jid fails first. */
function decodeJid(jid: string | undefined, element: "enable" | "disable"): StanzaErrorSpec | null {
  if (isBlank(jid)) return stanzaError("modify", "bad-request", `Missing attribute 'jid' in <${element}/>`);
  if (!isValidJid(jid ?? "")) return stanzaError("modify", "bad-request", `Malformed attribute 'jid' in <${element}/>`);
  return null;
}

const GET_NOT_ALLOWED = "Value 'get' of 'type' attribute is not allowed";

function validateEnable(req: EnableRequest): StanzaErrorSpec | null {
  const jidError = decodeJid(req.jid, "enable");
  if (jidError) return jidError;
  if (req.iqType !== "set") return stanzaError("cancel", "not-allowed", GET_NOT_ALLOWED);
  if (isBlank(req.node)) return stanzaError("cancel", "feature-not-implemented", "Enabling push without 'node' attribute is not supported");
  return null;
}

function validateDisable(req: DisableRequest): StanzaErrorSpec | null {
  const jidError = decodeJid(req.jid, "disable");
  if (jidError) return jidError;
  if (req.iqType !== "set") return stanzaError("cancel", "not-allowed", GET_NOT_ALLOWED);
  if (req.matched === 0) return stanzaError("cancel", "item-not-found", "Push record not found");
  return null;
}

function onAppServerOutcome(reg: RegistrationSnapshot, outcome: AppServerOutcome): AppServerReaction {
  const errorCount = nextErrorCount(reg, outcome);
  switch (outcome.kind) {
    case "result":
      return { action: "keep", errorCount, why: "the App Server accepted the notification" };
    case "timeout":
      return { action: "keep", errorCount, why: "the App Server did not answer; ejabberd logs the timeout and keeps the registration" };
    case "error":
      return outcome.type === "wait"
        ? { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}; ejabberd logs it as a temporary rejection and keeps the registration` }
        : { action: "remove", errorCount, why: `the App Server answered ${errorText(outcome)}; ejabberd deletes the registration at the first non-wait error` };
  }
}

/**
 * mod_offline (store_empty_body: unless_chat_state) does not store a standalone chat state, and
 * ejabberd_sm then bounces it: ejabberd 23.01 answered B's body-less `<composing/>` chat to an
 * account with nobody available with `service-unavailable` (differential run, README conformance).
 */
function refuseOffline(message: MessageSnapshot): StanzaErrorSpec | null {
  return message.standaloneChatState === true ? { type: "cancel", condition: "service-unavailable" } : null;
}

export const ejabberdPolicy: PushPolicy = {
  name: "ejabberd",
  description:
    "ejabberd mod_push with mod_mam: each registration is pushed while the session that enabled it is gone or hibernated; node is required and any non-wait App Server error removes the registration",
  accountFeatures: () => [NS.push],
  domainFeatures: () => [],
  validateEnable,
  parseAwayFlag: () => false,
  validateDisable,
  // mod_push has no per-account limit; the cap only bounds the playground's memory.
  // ejabberd_sm:route_message: a chat or normal message goes to each resource `when P == MaxPrio`.
  bareJidDelivery: "top-priority",
  maxRegistrations: 64,
  decide,
  onAppServerOutcome,
  // mod_push ignores the XEP-0357 §9 affiliation message.
  honoursRemoteDisable: false,
  onAvailablePresence: () => null,
  onHibernation,
  onStanzaQueued,
  refuseOffline,
  timers: EJABBERD_TIMERS,
  endsPushHibernation,
  onWakeUp,
  // mod_push_mnesia stores and deletes a registration under its session's id (found by the
  // differential run; README "Differential runs against the real servers").
  deletesBySession: true,
  disableClearsPushId: true,
  // mod_offline:route_offline_messages routes each stored message by its own `to` (differential run).
  reroutesOffline: true,
  // ejabberd_c2s resumes a session in a new process with a new sid; mod_push carries the push id over.
  resumptionRenewsSessionKey: true,
};
