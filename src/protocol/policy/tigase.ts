/**
 * `tigase`: Tigase's PushNotifications with AwayPushNotificationsExtension switched on, quirks
 * included (docs/push-semantics.md §0.2, B.1, B.3, B.4). Registrations belong to the account, not to a session.
 */
import {
  PUSH_WITH_AWAY_FEATURES,
  RFC6120_CONDITIONS,
  decision,
  domainOf,
  errorText,
  everyReg,
  isBareGroupchat,
  isBlank,
  isValidJid,
  nextErrorCount,
  noRegistrations,
  plural,
  presenceText,
  pushedPhrase,
  regsPhrase,
  regsTarget,
  sessionById,
  sessionList,
  stanzaError,
  verdict,
} from "./common";
import type {
  AppServerOutcome,
  AppServerReaction,
  DecisionInput,
  DisableRequest,
  EnableRequest,
  PresencePushDecision,
  PresencePushInput,
  PushDecision,
  PushPolicy,
  RegistrationSnapshot,
  SessionSnapshot,
  StanzaErrorSpec,
} from "./types";

/**
 * Tigase's "online": a last presence without `<show>`, at any priority (single-node check 6), in
 * any session it still holds, resumable ones included. `chat` therefore counts as away.
 */
function isTigaseOnline(s: SessionSnapshot): boolean {
  return s.presence !== null && s.presence.show === null;
}

/** `MessageDeliveryLogic.hasConnectionForMessageDelivery`: a presence at priority >= 0. */
function canReceive(s: SessionSnapshot): boolean {
  return s.presence !== null && s.presence.priority >= 0;
}

function decide(input: DecisionInput): PushDecision {
  const { account, sessions, registrations, message, delivery } = input;
  const bareGroupchat = isBareGroupchat(message);
  const pushable = !message.delayedByOwnDomain && message.type !== "error" && (message.hasBody || bareGroupchat);
  if (registrations.length === 0) return noRegistrations("tigase", input, pushable);

  const summary = {
    messageCount: input.offlineCount,
    lastMessageSender: message.from,
    ...(message.body !== undefined ? { lastMessageBody: message.body } : {}),
  };
  const none = (rule: string, reason: string, why = `not pushed: ${reason}`): PushDecision =>
    decision("tigase", { rule, reason, pushable, verdicts: everyReg(registrations, false, why) });
  const all = (rule: string, reason: string, why: string): PushDecision =>
    decision("tigase", { rule, reason, pushable, verdicts: everyReg(registrations, true, why), summary });

  if (message.delayedByOwnDomain) {
    return none("tigase/delayed", `the message carries a <delay> from ${domainOf(account)}, which Tigase never pushes (it was stored offline once already)`);
  }
  if (message.type === "error") return none("tigase/not-pushable", "Tigase does not push error messages");

  if (sessions.length === 0) {
    if (delivery.storedOffline && message.hasBody) {
      return all(
        "tigase/offline",
        `${account} has no session, so the message is stored offline and Tigase's offline path pushes ${regsTarget(registrations, registrations.length)} with message-count ${input.offlineCount}`,
        "pushed: the account has no session, so Tigase's offline path pushes every registration",
      );
    }
    return none(
      "tigase/not-pushable",
      message.hasBody
        ? `${account} has no session and a ${message.type} message is not stored offline, so Tigase's offline path does not fire`
        : `${account} has no session and the message has no <body>, which Tigase's offline path requires`,
    );
  }

  if (bareGroupchat) {
    // GroupchatPushNotificationsExtension: groupchat to the bare JID (MUC offline delivery) while
    // a session could receive messages; the trigger itself does not look for a body.
    const receivers = sessions.filter(canReceive);
    if (receivers.length > 0) {
      return all(
        "tigase/groupchat",
        `a groupchat message to the bare JID while ${sessionList(receivers)} can receive fires Tigase's groupchat trigger, so ${pushedPhrase(registrations, registrations.length)}`,
        "pushed: Tigase's groupchat trigger pushes every registration",
      );
    }
    return none("tigase/not-pushable", "a groupchat message to the bare JID fires Tigase's groupchat trigger only while a session has a presence at priority >= 0, and none has");
  }
  if (message.type === "groupchat") return none("tigase/not-pushable", "Tigase's away trigger ignores groupchat messages");
  if (!message.hasBody) {
    return none(
      "tigase/not-pushable",
      message.callPropose
        ? "a call proposal without <body> is pushed by Tigase only to registrations enabled with <jingle/>, which the playground does not model"
        : "the message has no <body>, which Tigase's away trigger requires",
    );
  }

  const awayRegs = registrations.filter((r) => r.away);
  if (awayRegs.length === 0) {
    return none(
      "tigase/no-away-registration",
      `${account} has a session (${sessionList(sessions)}), so Tigase's offline path does not apply, and no registration has away=true, so the away trigger does not fire and nothing is pushed`,
      "not pushed: the account has a session and no registration has away=true, so neither Tigase trigger fires",
    );
  }

  const online = sessions.filter(isTigaseOnline);
  if (online.length > 0) {
    const [first] = online;
    const who = online.length === 1 && first
      ? `resource ${first.resource} has a presence without <show> (${presenceText(first)})`
      : `${online.length} resources have a presence without <show> (${sessionList(online)})`;
    return none(
      "tigase/online-session",
      `${who}, which Tigase counts as online whatever the priority, so nothing is pushed`,
      `not pushed: ${who}`,
    );
  }

  const others = registrations.length - awayRegs.length;
  let reason = `no session has a presence without <show> (${sessionList(sessions)}) and ${regsPhrase(awayRegs)} ${awayRegs.length === 1 ? "has" : "have"} away=true, so Tigase's away trigger fires and ${pushedPhrase(registrations, registrations.length)}`;
  if (others > 0) reason += `, including the ${plural(others, "registration")} without away=true`;
  return decision("tigase", {
    rule: "tigase/away",
    reason,
    pushable,
    verdicts: registrations.map((r) =>
      r.away
        ? verdict(r, true, "pushed: it has away=true and no session has a presence without <show>")
        : verdict(r, true, "pushed although it lacks away=true: once the away trigger fires, Tigase pushes every registration of the account"),
    ),
    summary,
  });
}

/** B.3: the code reads the old `<show>` from the new presence, so only a session's first presence fires. */
function onAvailablePresence(input: PresencePushInput): PresencePushDecision | null {
  const session = sessionById(input.sessions, input.sessionId);
  if (!session || session.presenceCount !== 1) return null;
  const awayRegs = input.registrations.filter((r) => r.away);
  if (awayRegs.length === 0) return null;
  return {
    rule: "tigase/retrieved",
    reason: `${session.resource} sent its first presence (${presenceText(session)}), so Tigase's away extension sends a message-count=0 "retrieved" notification to ${regsPhrase(awayRegs)} with away=true`,
    push: awayRegs.map((r) => ({ jid: r.jid, node: r.node })),
    summary: { messageCount: 0 },
  };
}

const JID_ERROR = "Attribute 'jid' is not valid JID of Push Notifications service";

// Tigase parses the jid with JID.jidInstance before looking at the element or the iq type.
function validateJid(jid: string | undefined): StanzaErrorSpec | null {
  return isBlank(jid) || !isValidJid(jid ?? "") ? stanzaError("modify", "bad-request", JID_ERROR) : null;
}

function validateEnable(req: EnableRequest): StanzaErrorSpec | null {
  // The iq type is not checked: an iq get carrying <enable/> is processed like a set (C25).
  const jidError = validateJid(req.jid);
  if (jidError) return jidError;
  if (req.node === undefined) {
    return stanzaError("modify", "bad-request", "Missing 'node' attribute (Tigase itself fails on this request with an internal exception; its reply is undetermined)");
  }
  return null;
}

function validateDisable(req: DisableRequest): StanzaErrorSpec | null {
  return validateJid(req.jid);
}

/** AbstractPushNotifications.shouldDisablePush: these conditions keep the registration. */
const KEEP_CONDITIONS: ReadonlySet<string> = new Set(["remote-server-timeout", "service-unavailable", "internal-server-error", "bad-request"]);

function onAppServerOutcome(reg: RegistrationSnapshot, outcome: AppServerOutcome): AppServerReaction {
  const errorCount = nextErrorCount(reg, outcome);
  if (outcome.kind === "result") return { action: "keep", errorCount, why: "the App Server accepted the notification" };
  if (outcome.kind === "timeout") {
    return { action: "keep", errorCount, why: "the App Server did not answer within Tigase's max-timeout, and Tigase keeps the registration" };
  }
  const { condition } = outcome;
  if (KEEP_CONDITIONS.has(condition)) {
    return { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}; Tigase decides by condition and keeps the registration on ${condition}` };
  }
  if (!RFC6120_CONDITIONS.has(condition)) {
    return { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}; Tigase does not know the condition ${condition} and keeps the registration` };
  }
  return { action: "remove", errorCount, why: `the App Server answered ${errorText(outcome)}; Tigase decides by condition and removes the registration on ${condition}, whatever the error type` };
}

export const tigasePolicy: PushPolicy = {
  name: "tigase",
  description:
    "Tigase with its away extension on: online means a presence without <show>, and once a registration has away=true and nobody is online every registration is pushed",
  accountFeatures: () => [...PUSH_WITH_AWAY_FEATURES],
  domainFeatures: () => [...PUSH_WITH_AWAY_FEATURES],
  validateEnable,
  // AwayPushNotificationsExtension: if ("true".equals(away)); "1" and "TRUE" leave it off.
  parseAwayFlag: (raw) => raw === "true",
  validateDisable,
  // Tigase has no limit; the cap only bounds the playground's memory.
  // Tigase's MessageDeliveryLogic delivers to every session VIABLE_FOR_MESSAGE_DELIVERY (priority >= 0).
  bareJidDelivery: "every-routable",
  maxRegistrations: 64,
  decide,
  onAppServerOutcome,
  honoursRemoteDisable: true,
  onAvailablePresence,
};

