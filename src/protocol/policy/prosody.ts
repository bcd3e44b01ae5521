/**
 * `prosody`: mod_cloud_notify with mod_mam, as in Debian's prosody-modules and Prosody 13 core
 * (docs/push-semantics.md §0.2, B.2, B.4, E). A registration is bound to the session that enabled it and is pushed
 * whenever that session is not alive, whatever the other resources' presence; `away` is ignored.
 */
import { NS } from "../ns";
import {
  type EnablerState,
  decision,
  enablersAre,
  errorText,
  everyReg,
  groupByPath,
  isAre,
  isBareGroupchat,
  pushIdentifierHolders,
  sessionById,
  isBlank,
  isChatOrNormal,
  nextErrorCount,
  noRegistrations,
  plural,
  pushedPhrase,
  regsPhrase,
  regsTarget,
  stanzaError,
  verdict,
} from "./common";
import { detachedNote, heldBySession, withDetachedPushes } from "./prosody-detached";
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
  QueuedStanzaSnapshot,
  RegistrationSnapshot,
  RegistrationVerdict,
  SessionSnapshot,
  StanzaErrorSpec,
  StreamTimers,
  SummaryFields,
} from "./types";

/** push_max_errors. */
export const PROSODY_MAX_ERRORS = 16;
/** mod_cloud_notify collects stanzas queued for a hibernated session with a 1 s timer (docs/push-semantics.md E). */
export const PROSODY_HIBERNATION_BATCH_MS = 1000;
/** push_notification_important_body: the body placeholder when push_notification_with_body is off. */
export const PROSODY_IMPORTANT_BODY = "New Message!";

type Path = "offline" | "not-alive" | "hibernated" | "alive" | "no-body";

const PUSH_PATHS: readonly Path[] = ["offline", "not-alive", "hibernated"];
/** Order of the reason's clauses; the first path present names the rule (a pushing one if any). */
const PATH_ORDER: readonly Path[] = [...PUSH_PATHS, "no-body", "alive"];

const RULES: Record<Path, string> = {
  offline: "prosody/offline",
  "not-alive": "prosody/session-not-alive",
  hibernated: "prosody/hibernated",
  alive: "prosody/session-alive",
  "no-body": "prosody/no-body",
};

/**
 * The registration as the hooks see it through the sessions holding its push identifier (usually
 * its enabling session alone): alive if one of them is connected, hibernated if one is, else gone.
 * Another session's push_identifier keeps the MAM hook from pushing it just the same.
 */
function holdersState(holders: readonly SessionSnapshot[]): EnablerState {
  if (holders.some((s) => s.state === "connected")) return "connected";
  return holders.length > 0 ? "hibernated" : "gone";
}

/** A hibernated holder gets this message queued: its smacks queue path pushes (session.push_settings). */
function queuedToHolder(holders: readonly SessionSnapshot[], deliveredTo: readonly string[]): boolean {
  return holders.some((s) => s.state === "hibernated" && deliveredTo.includes(s.resource));
}

function holderSessions(reg: RegistrationSnapshot, registrations: readonly RegistrationSnapshot[], sessions: readonly SessionSnapshot[]): SessionSnapshot[] {
  return pushIdentifierHolders(reg, registrations).flatMap((id) => sessionById(sessions, id) ?? []);
}

/** Why a held registration is not pushed when the session holding it is not its enabling one. */
const HELD_EARLIER = "not pushed: a session that enabled it earlier still holds its push identifier (Prosody keeps one session.push_identifier per session), so the MAM hook counts it as alive";

function pathOf(state: EnablerState, storedOffline: boolean, archived: boolean, queuedToHolder: boolean): Path {
  // A hibernated session still holds its registration: the smacks queue path pushes, for any
  // stanza queued to it, even while another session holding it is connected. A message that does
  // not go to it (stored offline, or for another resource) takes the other paths, and the MAM
  // hook counts it as alive (differential run).
  if (queuedToHolder) return "hibernated";
  if (state === "hibernated" && !storedOffline) return "alive";
  // mod_offline stores every chat/normal message, body or not, and mod_cloud_notify's
  // message/offline/handle hook pushes for it (as "unimportant", without a body field). Observed on
  // Prosody 0.12: chat-state-only, empty and `<body></body>` messages to an account with nobody
  // connected are each pushed and later delivered with a <delay>.
  if (storedOffline) return "offline";
  if (state === "gone") return archived ? "not-alive" : "no-body";
  return "alive";
}

const WHY: Record<Path, (reg: RegistrationSnapshot) => string> = {
  offline: () => "pushed: the message is stored offline and mod_cloud_notify's offline hook pushes every registration, with or without a body",
  "not-alive": (r) => `pushed: ${enablersAre([r])} gone, so the MAM hook pushes it`,
  hibernated: (r) => `pushed after 1 s: ${enablersAre([r])} hibernated, so the smacks queue path pushes it`,
  alive: (r) => `not pushed: ${enablersAre([r])} still connected`,
  "no-body": (r) => `not pushed: the message has no <body>, so mod_mam does not archive it, and ${enablersAre([r])} gone rather than hibernated`,
};

const CLAUSE: Record<Path, (group: RegistrationSnapshot[], total: number) => string> = {
  offline: (g, total) => `the message is stored offline (no resource is receiving), so mod_cloud_notify's offline hook pushes ${regsTarget(g, total)}`,
  "not-alive": (g) => `${regsPhrase(g)} ${isAre(g.length)} pushed by the MAM hook because ${enablersAre(g)} gone`,
  hibernated: (g) => `${regsPhrase(g)} ${isAre(g.length)} pushed after Prosody's 1 s batch timer because ${enablersAre(g)} hibernated`,
  alive: (g) => `${regsPhrase(g)} ${isAre(g.length)} not pushed because ${enablersAre(g)} still connected`,
  "no-body": (g) => `${regsPhrase(g)} ${isAre(g.length)} not pushed: without a <body> mod_mam does not archive the message, and only a hibernated enabling session gets a push for it`,
};

/** is_important: a non-empty body or a call proposal; the placeholder body marks it. */
function summaryFor(message: MessageSnapshot): SummaryFields {
  const important = (message.hasBody && message.body !== "") || message.callPropose === true;
  return { formType: "form", messageCount: 1, ...(important ? { lastMessageBody: PROSODY_IMPORTANT_BODY } : {}) };
}

/** is_important for a stanza in the smacks queue: presences and iqs never are, headlines neither. */
function isImportantQueued(q: QueuedStanzaSnapshot): boolean {
  return q.message !== undefined && q.message.type !== "headline" && summaryFor(q.message).lastMessageBody !== undefined;
}

/**
 * smacks-hibernation-start → process_stanza_queue: the session's registration is pushed at once for
 * the unacknowledged queue, once per kind of stanza (important first if it comes first), never per
 * stanza. (Prosody pushes only the session's last-enabled registration; like `decide`, we push
 * every registration the session enabled, which is the same in the usual one-per-session case.)
 */
function onHibernation(input: HibernationInput): HibernationPushDecision | null {
  const own = heldBySession(input, input.registrations.filter((r) => pushIdentifierHolders(r, input.registrations).includes(input.sessionId)));
  const [first] = own;
  if (!first || input.queued.length === 0) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? first.enabledByResource;
  const kinds: boolean[] = [];
  for (const q of input.queued) {
    const important = isImportantQueued(q);
    if (!kinds.includes(important)) kinds.push(important);
  }
  const importantCount = input.queued.filter(isImportantQueued).length;
  const how = kinds.length === 2 ? "once as important and once as unimportant" : kinds[0] ? "as important" : "as unimportant (no body field)";
  return {
    rule: "prosody/hibernation-start",
    reason:
      `${resource} went into hibernation with ${plural(input.queued.length, "unacknowledged stanza")} (${importantCount} with a body), ` +
      `so mod_cloud_notify's smacks-hibernation-start handler pushes ${regsPhrase(own)}${detachedNote(input)} at once, ${how}`,
    pushes: own.flatMap((r) =>
      kinds.map((important) => ({
        key: { jid: r.jid, node: r.node },
        summary: important ? { formType: "form" as const, messageCount: 1, lastMessageBody: PROSODY_IMPORTANT_BODY } : { formType: "form" as const, messageCount: 1 },
        why: important
          ? "pushed at once as important: an unacknowledged message in the queue has a body"
          : "pushed at once as unimportant: the queue holds a stanza without a body (a presence, an iq or a body-less message)",
      })),
    ),
  };
}

/**
 * Issue 13, mod_smacks 0.12 and mod_cloud_notify defaults, confirmed with
 * scripts/probe-timer-pushes.ts: `<r/>` right after each stanza (smacks_max_unacked_stanzas 0,
 * sent on c2s-pre-ondrain); an `<r/>` unanswered for smacks_max_ack_delay (30 s) fires
 * smacks-ack-delayed, pushed 31 s after the message; a hibernated session that holds a push
 * identifier is kept for push_max_hibernation_timeout (72 h) until its first important push.
 */
export const PROSODY_TIMERS: StreamTimers = {
  ackRequestAfterStanzas: 1,
  ackRequestDelayMs: 1000,
  ackOverdueMs: 30_000,
  ackTimeoutMs: null,
  pushHibernationMs: 72 * 3_600_000,
  wakeUpBeforeMs: null,
};

/**
 * smacks-ack-delayed → mod_cloud_notify's ack_delayed: every unacknowledged stanza goes to the
 * session's push_queue (as a clone, so none counts as pushed yet) and the 1 s timer pushes the
 * session's push identifier once per kind, as for a hibernated session's queue.
 */
function onAckOverdue(input: HibernationInput): HibernationPushDecision | null {
  const own = heldBySession(input, input.registrations.filter((r) => pushIdentifierHolders(r, input.registrations).includes(input.sessionId)));
  if (own.length === 0 || input.queued.length === 0) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? own[0]?.enabledByResource ?? "";
  const kinds = [...new Set(input.queued.map(isImportantQueued))];
  const waitedMs = input.options.timers?.ackOverdueMs ?? PROSODY_TIMERS.ackOverdueMs ?? 0;
  const how = kinds.length === 2 ? "once as important and once as unimportant" : kinds[0] ? "as important" : "as unimportant (no body field)";
  return {
    rule: "prosody/ack-delayed",
    reason:
      `Prosody pushed because the acks of ${resource} were overdue: its client left an <r/> unanswered for ${waitedMs / 1000} s ` +
      `with ${plural(input.queued.length, "unacknowledged stanza")}, so smacks-ack-delayed hands them to mod_cloud_notify, which pushes ${regsPhrase(own)}${detachedNote(input)} after its 1 s timer, ${how}`,
    pushes: own.flatMap((r) =>
      kinds.map((important) => ({
        key: { jid: r.jid, node: r.node },
        summary: important ? { formType: "form" as const, messageCount: 1, lastMessageBody: PROSODY_IMPORTANT_BODY } : { formType: "form" as const, messageCount: 1 },
        why: `pushed after 1 s as ${important ? "important: an unacknowledged message has a body" : "unimportant: an unacknowledged stanza has no body"}`,
      })),
    ),
    delayMs: PROSODY_HIBERNATION_BATCH_MS,
  };
}

/**
 * smacks-hibernation-stanza-queued → process_smacks_stanza: a presence from another resource queued
 * to the hibernated session goes to its push_queue, and the 1 s timer pushes the session's push
 * identifier as unimportant (a presence never is important). Seen on Prosody 0.12: `A2 presence;
 * A2 enable N1; A2 drop; A1 presence` pushes N1 without a body field.
 */
function onStanzaQueued(input: HibernationInput): HibernationPushDecision | null {
  const pushed = onHibernation(input);
  if (!pushed) return null;
  const resource = input.sessions.find((s) => s.sessionId === input.sessionId)?.resource ?? "the session";
  const keys = pushed.pushes.map((p) => p.key);
  return {
    ...pushed,
    rule: "prosody/stanza-queued",
    reason:
      `a presence queued to ${resource}, hibernated, goes through mod_cloud_notify's smacks-hibernation-stanza-queued handler, ` +
      `which pushes ${regsPhrase(keys)}${detachedNote(input)} after its 1 s timer, as unimportant (no body field)`,
    pushes: pushed.pushes.map((p) => ({ ...p, why: "pushed after 1 s as unimportant: a presence was queued to the hibernated session that holds it" })),
    delayMs: PROSODY_HIBERNATION_BATCH_MS,
  };
}

/** is_important: the first such push while hibernated sets first_hibernated_push and restores the smacks watchdog. */
function endsPushHibernation(message: MessageSnapshot): boolean {
  return isImportantQueued({ name: "message", message });
}

function notPushableBecause(message: MessageSnapshot): string {
  switch (message.type) {
    case "groupchat":
      return "a groupchat message to a full JID is neither archived by mod_mam nor caught by the bare-groupchat hook, so mod_cloud_notify does not push it";
    case "headline":
      return "headline messages are neither archived nor stored offline, so mod_cloud_notify does not push them";
    default:
      return "error messages are not pushed by mod_cloud_notify";
  }
}

/** Headlines carry no body field when pushed through a smacks queue. */
function queueSummary(message: MessageSnapshot): SummaryFields {
  return message.type === "headline" ? { formType: "form", messageCount: 1 } : summaryFor(message);
}

function decide(input: DecisionInput): PushDecision {
  // Registrations gone from the store that a hibernated session still holds (prosody-detached.ts).
  return withDetachedPushes(decideForStore(input), input, queueSummary(input.message), PROSODY_HIBERNATION_BATCH_MS);
}

function decideForStore(input: DecisionInput): PushDecision {
  const { sessions, registrations, message, delivery } = input;
  const chat = isChatOrNormal(message);
  // mod_message hands a message to a resource that is not bound (full_sessions) to process_to_bare,
  // so a groupchat to a gone resource fires the bare-groupchat hook too (Prosody 0.12; found by the
  // differential run).
  const toGoneResource = message.toResource !== null && !sessions.some((s) => s.resource === message.toResource);
  const bareGroupchat = isBareGroupchat(message) || (message.type === "groupchat" && toGoneResource);
  const pushable = chat || bareGroupchat;
  if (registrations.length === 0) return noRegistrations("prosody", input, pushable);
  const summary = summaryFor(message);
  const total = registrations.length;

  if (chat && message.callPropose) {
    return decision("prosody", {
      rule: "prosody/urgent",
      reason: `a call proposal (XEP-0353) is urgent for mod_cloud_notify, so ${pushedPhrase(registrations, total)} whatever the state of their sessions`,
      pushable,
      verdicts: everyReg(registrations, true, "pushed: a call proposal is urgent and goes to every registration, live sessions included"),
      summary,
    });
  }
  if (bareGroupchat) {
    return decision("prosody", {
      rule: "prosody/bare-groupchat",
      reason: `a groupchat message to the bare JID fires mod_cloud_notify's message/bare/groupchat hook, so ${pushedPhrase(registrations, total)}`,
      pushable,
      verdicts: everyReg(registrations, true, "pushed: the bare-groupchat hook pushes every registration"),
      summary,
    });
  }
  const queued = (r: RegistrationSnapshot) => queuedToHolder(holderSessions(r, registrations, sessions), delivery.deliveredTo);
  // mod_mam's should_store keeps an error to a full JID, bound or not ("Store delivery failure
  // notifications", reason "bounce"), and the MAM hook, which needs a session of the account
  // (host_sessions[for_user]), pushed the registrations no live session holds for one with a body
  // (Prosody 0.12; found by the differential run, seed 8 #301 and #345).
  const archivedError = message.type === "error" && message.hasBody && message.toResource !== null && sessions.length > 0;
  // An archived error takes the paths below: queued ones through the smacks queue, the others by
  // the MAM hook (differential run, seed 33 #197: `A2 enable N1; A2 enable N2; A2 drop; B → A2:
  // error` pushes N2 through A2's queue and N1, which no session holds, from the MAM hook).
  if (!chat && !archivedError && registrations.some(queued)) {
    // Whatever its type, a message queued for a hibernated session goes through the smacks queue path.
    const hibernatedRegs = registrations.filter(queued);
    return decision("prosody", {
      rule: RULES.hibernated,
      reason: CLAUSE.hibernated(hibernatedRegs, total),
      pushable: true,
      verdicts: registrations.map((r) => (queued(r) ? verdict(r, true, WHY.hibernated(r), PROSODY_HIBERNATION_BATCH_MS) : verdict(r, false, `not pushed: ${notPushableBecause(message)}`))),
      summary: queueSummary(message),
      delayMs: PROSODY_HIBERNATION_BATCH_MS,
    });
  }
  if (!chat && !archivedError) {
    const reason = notPushableBecause(message);
    return decision("prosody", { rule: "prosody/not-pushable", reason, pushable, verdicts: everyReg(registrations, false, `not pushed: ${reason}`) });
  }

  // mod_mam archives chat and normal messages with a body (should_store); only those reach the
  // MAM hook. Body-less ones are pushed from the offline hook (nobody receiving) or from a
  // hibernated session's queue.
  const archived = message.hasBody;
  const pathFor = (r: RegistrationSnapshot): Path =>
    pathOf(holdersState(holderSessions(r, registrations, sessions)), delivery.storedOffline, archived, queued(r));
  const groups = groupByPath(registrations, pathFor);
  const present = PATH_ORDER.filter((p) => groups.has(p));
  const pushedPaths = present.filter((p) => PUSH_PATHS.includes(p));
  const onlyHibernation = pushedPaths.length === 1 && pushedPaths[0] === "hibernated";

  const verdicts: RegistrationVerdict[] = registrations.map((r) => {
    const path = pathFor(r);
    const push = PUSH_PATHS.includes(path);
    const heldEarlier = path === "alive" && !holderSessions(r, registrations, sessions).some((s) => s.sessionId === r.enabledBySessionId);
    return verdict(r, push, heldEarlier ? HELD_EARLIER : WHY[path](r), path === "hibernated" ? PROSODY_HIBERNATION_BATCH_MS : undefined);
  });
  return decision("prosody", {
    rule: RULES[present[0] ?? "no-body"],
    reason: present.map((p) => CLAUSE[p](groups.get(p) ?? [], total)).join("; "),
    pushable,
    verdicts,
    summary,
    delayMs: onlyHibernation ? PROSODY_HIBERNATION_BATCH_MS : 0,
  });
}

function validateEnable(req: EnableRequest): StanzaErrorSpec | null {
  // Only iq-set/self/urn:xmpp:push:0:enable is hooked; a get falls through to service-unavailable.
  if (req.iqType !== "set") return stanzaError("cancel", "service-unavailable");
  // Lua accepts jid="" (a truthy string); we treat it as missing: nothing could be published to it.
  if (isBlank(req.jid)) return stanzaError("modify", "bad-request", "Missing jid");
  if (req.jid === req.senderFullJid) return stanzaError("modify", "bad-request", "JID must be different from ours");
  return null; // A missing node is accepted: the registration key becomes "jid<".
}

function validateDisable(req: DisableRequest): StanzaErrorSpec | null {
  if (req.iqType !== "set") return stanzaError("cancel", "service-unavailable");
  if (isBlank(req.jid)) return stanzaError("modify", "bad-request", "Missing jid");
  return null; // Always a result, even when nothing matched.
}

function onAppServerOutcome(reg: RegistrationSnapshot, outcome: AppServerOutcome): AppServerReaction {
  const errorCount = nextErrorCount(reg, outcome);
  switch (outcome.kind) {
    case "result":
      return { action: "keep", errorCount, why: `the App Server accepted the notification; Prosody resets the error counter to 0 (was ${reg.errorCount})` };
    case "timeout":
      return { action: "keep", errorCount, why: "the App Server did not answer; Prosody only counts error replies, so the registration is kept" };
    case "error":
      if (outcome.type === "wait") {
        return { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}; Prosody does not count type=wait errors` };
      }
      return errorCount >= PROSODY_MAX_ERRORS
        ? { action: "remove", errorCount, why: `the App Server answered ${errorText(outcome)}, error ${errorCount} of ${PROSODY_MAX_ERRORS}, so Prosody disables the registration` }
        : { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}, error ${errorCount} of ${PROSODY_MAX_ERRORS}; Prosody removes the registration at ${PROSODY_MAX_ERRORS}` };
  }
}

export const prosodyPolicy: PushPolicy = {
  name: "prosody",
  description:
    "Prosody mod_cloud_notify with mod_mam: each registration is pushed while the session that enabled it is gone or hibernated, whatever the other resources' presence; away is ignored",
  accountFeatures: () => [NS.push],
  domainFeatures: () => [],
  validateEnable,
  parseAwayFlag: () => false,
  validateDisable,
  // mod_message's process_to_bare sends a chat or normal message to `user.top_resources` only.
  bareJidDelivery: "top-priority",
  // push_enable sets origin.push_identifier only; an earlier session's stays as it was.
  earlierEnablersKeepIdentifier: true,
  // push_disable clears origin.push_identifier only, the LRU eviction none.
  removalKeepsOtherHolders: true,
  // mod_presence: `if stanza.attr.type == nil and not origin.presence then -- initial presence`
  // … `if priority >= 0 then … fire_event('message/offline/broadcast', …)`.
  offlineOnInitialPresenceOnly: true,
  // mod_presence's handle_normal_presence: `for _, res in pairs(user and user.sessions or NULL) do
  // if res ~= origin and res.presence then … core_post_stanza(origin, stanza, true)`, whatever the
  // type and whether origin.presence was set.
  unavailableFromUnavailableBroadcast: true,
  // push_max_devices: an LRU of 5 registrations per account.
  maxRegistrations: 5,
  decide,
  onAppServerOutcome,
  // Prosody ignores the XEP-0357 §9 affiliation message.
  honoursRemoteDisable: false,
  onAvailablePresence: () => null,
  onHibernation,
  timers: PROSODY_TIMERS,
  onAckOverdue,
  onStanzaQueued,
  endsPushHibernation,
  removalEndsPushHibernation: true,
};
