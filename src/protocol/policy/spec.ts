/**
 * `spec`: the project's reading of XEP-0357 plus tigase:push:away:0 (docs/push-semantics.md §0.2), the default.
 * Account-wide: push everything when nobody receives, only away=true registrations when every
 * receiving resource is away, nothing while a resource is online.
 */
import { isOnline, isReceiving } from "../routing";
import {
  PUSH_WITH_AWAY_FEATURES,
  decision,
  domainOf,
  errorText,
  everyReg,
  isAre,
  isBlank,
  isChatOrNormal,
  isValidJid,
  nextErrorCount,
  noRegistrations,
  plural,
  presenceText,
  pushedPhrase,
  regsPhrase,
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
  MessageSnapshot,
  PushDecision,
  PushPolicy,
  RegistrationSnapshot,
  StanzaErrorSpec,
  SummaryFields,
} from "./types";

/** Why a message is not pushable under spec (docs/push-semantics.md §0.1), or null when it is. */
function notPushableBecause(message: MessageSnapshot, account: string): string | null {
  if (!isChatOrNormal(message)) return `a ${message.type} message is not pushable under spec (only chat and normal are)`;
  if (!message.hasBody) return "the message has no <body> (a chat state, receipt or call signal), so it is not pushable";
  if (message.delayedByOwnDomain) {
    return `the message carries a <delay> from ${domainOf(account)}: it was stored offline and handled once already`;
  }
  return null;
}

function summaryFor(input: DecisionInput): SummaryFields {
  const summary: SummaryFields = {
    formType: "submit",
    messageCount: input.pushedSinceOnline + 1,
    lastMessageSender: input.message.from,
  };
  if (input.options.includeBody && input.message.body !== undefined) summary.lastMessageBody = input.message.body;
  return summary;
}

function decide(input: DecisionInput): PushDecision {
  const { account, sessions, registrations, message, delivery } = input;
  const notPushable = notPushableBecause(message, account);
  if (registrations.length === 0) return noRegistrations("spec", input, notPushable === null);
  if (notPushable !== null) {
    return decision("spec", {
      rule: "spec/not-pushable",
      reason: notPushable,
      pushable: false,
      verdicts: everyReg(registrations, false, `not pushed: ${notPushable}`),
    });
  }

  const receiving = sessions.filter(isReceiving);
  const summary = summaryFor(input);

  if (receiving.length === 0) {
    const who = sessions.length === 0 ? `${account} has no session` : `no session of ${account} is receiving (${sessionList(sessions)})`;
    const stored = delivery.storedOffline ? "the message is stored offline and " : "";
    return decision("spec", {
      rule: "spec/no-receiving-session",
      reason: `${who}, so ${stored}${pushedPhrase(registrations, registrations.length)}`,
      pushable: true,
      verdicts: everyReg(registrations, true, "pushed: no session is receiving, so every registration is pushed"),
      summary,
    });
  }

  const online = receiving.filter((s) => isOnline(s, input.options));
  if (online.length > 0) {
    const [first] = online;
    const who = online.length === 1 && first
      ? `resource ${first.resource} is online (${presenceText(first)})`
      : `${online.length} resources are online (${sessionList(online)})`;
    return decision("spec", {
      rule: "spec/online-session",
      reason: `${who}, so nothing is pushed`,
      pushable: true,
      verdicts: everyReg(registrations, false, `not pushed: ${who}`),
    });
  }

  const awayRegs = registrations.filter((r) => r.away);
  const allAway = receiving.length === 1
    ? `the only receiving resource is away (${sessionList(receiving)})`
    : `all ${receiving.length} receiving resources are away (${sessionList(receiving)})`;
  const others = registrations.length - awayRegs.length;
  let reason: string;
  if (awayRegs.length === 0) {
    reason = `${allAway} but no registration has away=true, so nothing is pushed`;
  } else {
    reason = `${allAway} and ${regsPhrase(awayRegs)} ${awayRegs.length === 1 ? "has away=true, so it is" : "have away=true, so they are"} pushed`;
    if (others > 0) reason += ` and the ${plural(others, "registration")} without away=true ${isAre(others)} not`;
  }
  return decision("spec", {
    rule: "spec/all-away",
    reason,
    pushable: true,
    verdicts: registrations.map((r) =>
      r.away
        ? verdict(r, true, "pushed: it has away=true and every receiving resource is away")
        : verdict(r, false, "not pushed: every receiving resource is away, and only registrations with away=true are pushed then"),
    ),
    summary,
  });
}

function validateEnable(req: EnableRequest): StanzaErrorSpec | null {
  if (req.iqType !== "set") return stanzaError("modify", "bad-request", "enable must be an iq of type set");
  if (isBlank(req.jid)) return stanzaError("modify", "bad-request", "enable requires a 'jid' attribute (the push service)");
  if (!isValidJid(req.jid ?? "")) return stanzaError("modify", "jid-malformed", `'${req.jid}' is not a valid JID`);
  if (isBlank(req.node)) return stanzaError("modify", "bad-request", "enable requires a non-empty 'node' attribute (required by the XEP-0357 schema)");
  return null;
}

function validateDisable(req: DisableRequest): StanzaErrorSpec | null {
  if (req.iqType !== "set") return stanzaError("modify", "bad-request", "disable must be an iq of type set");
  if (isBlank(req.jid)) return stanzaError("modify", "bad-request", "disable requires a 'jid' attribute (the push service)");
  if (!isValidJid(req.jid ?? "")) return stanzaError("modify", "jid-malformed", `'${req.jid}' is not a valid JID`);
  return null;
}

function onAppServerOutcome(reg: RegistrationSnapshot, outcome: AppServerOutcome): AppServerReaction {
  const errorCount = nextErrorCount(reg, outcome);
  switch (outcome.kind) {
    case "result":
      return { action: "keep", errorCount, why: "the App Server accepted the notification" };
    case "timeout":
      return { action: "keep", errorCount, why: "the App Server did not answer in time; spec keeps the registration" };
    case "error":
      return outcome.type === "wait"
        ? { action: "keep", errorCount, why: `the App Server answered ${errorText(outcome)}, a temporary error, so the registration is kept` }
        : { action: "remove", errorCount, why: `the App Server answered ${errorText(outcome)}, which spec treats as permanent, so the registration is removed` };
  }
}

export const specPolicy: PushPolicy = {
  name: "spec",
  description:
    "XEP-0357 with Tigase's away extension as intended: push every registration when no resource receives, only away=true ones when all receiving resources are away",
  accountFeatures: () => [...PUSH_WITH_AWAY_FEATURES],
  domainFeatures: () => [...PUSH_WITH_AWAY_FEATURES],
  validateEnable,
  // xs:boolean: "true" and "1"; anything else (including "TRUE") is false.
  parseAwayFlag: (raw) => raw === "true" || raw === "1",
  validateDisable,
  // RFC 6121 §8.5.2.1.1 allows either; the reference server's default gives it to every resource.
  bareJidDelivery: "every-routable",
  maxRegistrations: 64,
  decide,
  onAppServerOutcome,
  honoursRemoteDisable: true,
  onAvailablePresence: () => null,
};
