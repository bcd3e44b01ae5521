/**
 * What a failing, differing or n/a scenario means on the server in question: one sentence per
 * scenario and server family, from the evidence in docs/push-semantics.md (tables A, B.2, B.4,
 * section E). The `prosody`, `ejabberd` and `tigase` texts describe those servers (and the
 * reference server's policies that model them); `spec` describes the reference server's default
 * policy; `general` says what the scenario needs from any server.
 */
import type { PolicyName } from "../protocol/policy/types";
import type { Verdict } from "../scenarios/judge";
import type { ServerIdentity } from "./server-identity";

export type HintTexts = { general: string } & Partial<Record<PolicyName, string>>;

const IGNORES_AWAY_PROSODY =
  "mod_cloud_notify ignores away; pushes depend on the enabling session being gone (here through mod_mam's archive hook, so another online resource does not stop them; without mod_mam there is no push while a resource is online)";
const IGNORES_AWAY_EJABBERD =
  "mod_push ignores away; a registration is pushed whenever the session that enabled it is gone (through mod_mam, which must archive the message), whatever the other resources' presence";
const NO_AWAY_FEATURE = "does not advertise tigase:push:away:0, so the scenarios that need it are not applicable";

export const HINTS: Readonly<Record<string, HintTexts>> = {
  C1: {
    general: "push features are read from disco#info to the account's own bare JID (XEP-0357 §5.1); Martin-based clients look nowhere else",
    prosody: `mod_cloud_notify lists urn:xmpp:push:0 to the account's owner but never tigase:push:away:0 (the Tigase-compat bundle mod_cloud_notify_extensions leaves away out), so the away scenarios are not applicable; if urn:xmpp:push:0 is missing, add "cloud_notify" to modules_enabled`,
    ejabberd: "mod_push lists urn:xmpp:push:0 on the owner's account disco (disco_sm_features) and has no tigase:push:* support, so the away scenarios are not applicable; if urn:xmpp:push:0 is missing, add mod_push to modules",
    tigase: "the away extension is off by default (AwayPushNotificationsExtension active = false); switch it on with 'sess-man' { 'urn:xmpp:push:0' () { 'away' () {} } }",
    spec: "the spec host lists urn:xmpp:push:0 and tigase:push:away:0 on the account and the domain disco; a missing one is a reference-server bug",
  },
  C2: {
    general: "an enable with away='true' must be answered with an empty iq result (T-SPEC §4.2)",
    prosody: `accepts away='true' and ignores it; it ${NO_AWAY_FEATURE}`,
    ejabberd: `accepts away='true' and ignores it; it ${NO_AWAY_FEATURE}`,
    tigase: "answers okResult; an error usually means the away extension is off or the iq did not come from the account's own session (forbidden)",
  },
  C3: {
    general: "XEP-0357 §6: an enable MUST carry jid; the expected answer is modify/bad-request",
    prosody: "answers modify/bad-request for a missing jid (mod_cloud_notify.lua:191)",
    ejabberd: "the xmpp codec rejects an enable without jid with bad-request before mod_push sees it",
    tigase: "answers bad-request ('Attribute jid is not valid JID')",
  },
  C4: {
    general: "with nobody of the account connected every registration must be pushed (XEP-0357 §8, table B.2 row 1); the sink must be a full JID (a bare one is answered by PEP)",
    prosody: "pushes from mod_cloud_notify's message/offline/handle hook: check cloud_notify and offline storage are on, and that no other session of the account (another client, a hibernated stream) is still alive",
    ejabberd: "pushes from the offline and mod_mam hooks: check mod_push is loaded and that the enabling session really closed (a stream-management session stays 'pending' for resume_timeout)",
    tigase: "pushes from the offline path (notifyNewOfflineMessage), only when the message is stored offline, i.e. no session with priority >= 0 exists",
  },
  C5: {
    general: "the publish must come from the server's domain JID (XEP-0357 0.3: 'Use server JID as from address for notifications')",
    prosody: "publishes from module.host, the domain",
    ejabberd: "publishes from jid:make(LServer), the domain",
    tigase: "publishes from the user's domain JID (AbstractPushNotifications.java:417)",
  },
  C6: {
    general: "XEP-0357 §8: the publish should carry the enable's publish-options form (the App Server checks its secret there)",
    prosody: "stores the enable's form and echoes it as <publish-options>",
    ejabberd: "stores the enable's XData and echoes it as <publish-options>",
    tigase: "stores the form with the registration and echoes it",
  },
  C7: {
    general: "a summary form must have FORM_TYPE urn:xmpp:push:summary and only the registered fields; which fields a server fills in is informational",
    prosody: "message-count is always 1; last-message-sender only with push_notification_with_sender, the real body only with push_notification_with_body (otherwise 'New Message!')",
    ejabberd: "sends no message-count; last-message-sender (bare JID) only with include_sender: true; the body is include_body's text ('New message' by default)",
    tigase: "message-count is the offline-storage count (0 in the away path); full sender and real body by default (with-sender, with-body)",
    spec: "message-count counts messages since the account last had an online session; full sender and the body (configurable)",
  },
  C8: {
    general: "with away='true' and every receiving resource away, the registration must be pushed while the message is also delivered (T-SPEC §4, table B.2 row 3)",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "needs the away extension on and a registration with away='true'; 'online' is any presence without <show>, so check no other resource of the account is available",
  },
  C9: {
    general: "xa counts as away like away does (T-SPEC §4)",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "any <show> counts as not online; a missing push means the away extension is off or another resource is available",
  },
  C10: {
    general: "an available resource (no <show>) receives the message itself, so no push is due (T-SPEC, table B.2 row 2)",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "a presence without <show> blocks the away trigger at any priority (single node)",
  },
  C11: {
    general: "one available resource is enough to suppress the away push (table B.2 row 6)",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "any resource with a presence without <show> blocks the away trigger",
  },
  C12: {
    general: "the decision must follow each presence change: away → push, available → none, xa → push",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "decides per message from the sessions' current presence; a stale decision points at cached presence",
  },
  C13: {
    general: "a server that advertises away should push in the away case only for registrations that opted in with away='true'",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "once any registration has away='true' and nobody is online Tigase pushes every registration; with none the away path stays off",
    spec: "the spec policy pushes only away='true' registrations in the away case (§0.2 rule 2)",
  },
  C14: {
    general: "last request wins (XEP-0357 §6): re-enabling the same jid/node replaces the registration, so away goes off and there is one publish per message",
    prosody: `keys registrations by jid<node, so re-enabling replaces it; ${IGNORES_AWAY_PROSODY}`,
    ejabberd: `deletes the old row for the same jid+node before storing the new one (mod_push.erl:561); ${IGNORES_AWAY_EJABBERD}`,
    tigase: "replaces the stored settings whole: re-enabling without away turns it off (T-ADMIN)",
  },
  C15: {
    general: "away='false' must not opt in; whether away='1' does is recorded (xs:boolean says yes, Tigase says no)",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "only the literal 'true' opts in (AwayPushNotificationsExtension.java:131); away='1' stays off",
    spec: "away is true for the literal true or 1 (xs:boolean)",
  },
  C16: {
    general: "whether dnd counts as away differs: T-SPEC names away/xa, T-ADMIN and Siskin add dnd; recorded only",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "any <show> counts as not online, so dnd pushes (T-ADMIN, Siskin)",
    spec: "dnd is online unless the server adds it to the away set (a server option, off by default)",
  },
  C17: {
    general: "<show>chat</show> means 'free for chat'; recommended: online, no push; recorded only",
    prosody: IGNORES_AWAY_PROSODY,
    ejabberd: IGNORES_AWAY_EJABBERD,
    tigase: "the code treats any <show>, chat included, as not online (a quirk), so chat pushes",
    spec: "chat is online",
  },
  C18: {
    general: "a message without <body> (a chat state) should not be pushed; the control message with a body should",
    prosody: "the mod_mam path only archives messages with a body, so chat states push only on the stream-management hibernation path",
    ejabberd: "notify_on: all pushes body-less stanzas only while a session is stream-management pending; mod_mam does not archive chat states",
    tigase: "the away trigger requires a <body> (AwayPushNotificationsExtension.java:154)",
  },
  C19: {
    general: "XEP-0357 §7: after disable the server MUST NOT publish to that node",
    prosody: "disable removes jid<node from the push store and from the enabling session; always answers result",
    ejabberd: "disable deletes the row (item-not-found when nothing matched)",
    tigase: "disable removes the key jid/node and answers result even if nothing matched",
  },
  C20: {
    general: "each node is its own registration, and a disable without node removes every node of that service jid (XEP-0357 §6/§7)",
    prosody: "keeps an LRU of push_max_devices (5) registrations per account: leftovers from earlier runs can evict new ones",
    ejabberd: "a disable without node deletes every row of that jid",
    tigase: "a disable without node removes every key starting with jid/",
  },
  C21: {
    general: "XEP-0357 §8.1: an App Server error other than type='wait' should disable the registration",
    prosody: "decides by error type: non-wait errors are counted and the registration is removed only after push_max_errors (16) in a row (tolerant); a success resets the count",
    ejabberd: "any non-wait error deletes the registration at once",
    tigase: "decides by condition: item-not-found deletes from the repository, but a live session's cache may keep pushing",
  },
  C22: {
    general: "a type='wait' error is transient: the registration should stay (XEP-0357 §8.1 MAY)",
    prosody: "ignores type='wait' errors entirely",
    ejabberd: "logs 'rejected temporarily' and keeps the registration",
    tigase: "keeps internal-server-error by condition",
  },
  C23: {
    general: "XEP-0357 §9 lets the App Server revoke a node with an affiliation-none message (MAY); recorded only",
    prosody: "ignores the affiliation-none message; the registration stays",
    ejabberd: "ignores the affiliation-none message; the registration stays",
    tigase: "removes <from>/<node> on the affiliation-none message",
    spec: "the spec policy honours the remote disable",
  },
  C24: {
    general: "Tigase's 'messages retrieved' ping (message-count 0, no sender, no body) on a session's first presence; recorded only",
    prosody: "sends no retrieved notification",
    ejabberd: "sends no retrieved notification",
    tigase: "pings away registrations on a session's first presence, whatever its <show> (oldShow read from the new presence, §B.3)",
    spec: "the spec policy sends no retrieved notification",
  },
  C25: {
    general: "enable belongs in an iq set, and servers differ on a disable that matches nothing; recorded only",
    prosody: "hooks only iq-set, so an enable in a get gets service-unavailable; disable always answers result",
    ejabberd: "an enable in a get gets not-allowed; a disable that matches nothing gets item-not-found",
    tigase: "does not check the iq type (a get enables too) and answers result for a disable that matched nothing",
    spec: "an enable in a get gets bad-request; a disable always answers result",
  },
  C26: {
    general: "an app killed by the OS leaves a resumable XEP-0198 session that the server hibernates: it is not receiving, so its registration should be pushed; needs stream management with resumption",
    prosody: "mod_cloud_notify pushes each stanza queued for a hibernated session after a 1 s batch (and at hibernation start for unacknowledged ones); check smacks is loaded and smacks_hibernation_time is not 0",
    ejabberd: "mod_push pushes for every stanza sent to a pending session (c2s_handle_send) and at once when it becomes pending with a non-empty queue; check mod_stream_mgmt resumption is on",
    tigase: "Tigase has no stream-management trigger: it keeps the session's last presence, so an available one stops the push until the session dies",
    spec: "the spec policy treats a hibernated session as not receiving and pushes every registration",
  },
  C27: {
    general: "a hibernated enabling session while another resource is online: servers differ; recorded at INFO",
    prosody: "pushes the hibernated session's registration whatever the other resources do (the message is queued for the hibernated session too)",
    ejabberd: "pushes the pending session's registration whatever the other resources do (a bare-JID message goes to every resource of top priority, the pending one included)",
    tigase: "does not push: another resource is online",
    spec: "does not push: another resource is online (the message is delivered to it)",
  },
  C28: {
    general: "how many App Server errors other than type='wait' a registration survives: XEP-0357 §8 says treat it as disabled, and MAY keep it through transient errors; each message goes out only once the previous error was processed",
    prosody: "counts non-wait errors per registration and removes it at push_max_errors (default 16): pushes 1-16 go out, the 17th message is not pushed; a lower push_max_errors in the config removes it sooner",
    ejabberd: "deletes the registration at the first non-wait error (mod_push.erl delete_session): only the first message is pushed",
    tigase: "decides by condition: item-not-found deletes the registration at the first error",
    spec: "the spec policy removes the registration at the first non-wait error",
  },
  C29: {
    general: "whether a successful publish resets the error count; recorded at INFO",
    prosody: "a result sets push_errors back to 0 (handle_push_success), so 15 errors, a success and one more error leave the registration in place",
    ejabberd: "nothing to reset: the first non-wait error already deleted the registration",
    tigase: "nothing to reset: item-not-found already deleted the registration",
    spec: "nothing to reset: the first non-wait error already removed the registration",
  },
  C30: {
    general: "a type='wait' error (an App Server's rate limit) must never remove the registration, however many come",
    prosody: "ignores type='wait' errors: they are not counted towards push_max_errors",
    ejabberd: "logs each as 'rejected temporarily' and keeps the registration",
    tigase: "decides by condition, not type: resource-constraint deletes the registration even with type='wait' (D.8); an App Server that rate-limits this way loses the registration on Tigase",
    spec: "the spec policy keeps the registration on any type='wait' error",
  },
};

const MODELLED: Record<PolicyName, string> = {
  spec: "the away extension's intent",
  tigase: "Tigase",
  prosody: "Prosody's mod_cloud_notify",
  ejabberd: "ejabberd's mod_push",
};

/** Whether a result deserves a hint: failed, or informationally different. */
export function wantsHint(verdict: Verdict, matched: boolean | null): boolean {
  return verdict === "fail" || (verdict === "info" && matched === false);
}

/**
 * The hint for a scenario on this server. `behavesLike` is the identified policy, used for a
 * server that does not name itself. Null for an id without hints.
 */
export function hintFor(scenarioId: string, server: ServerIdentity, behavesLike: PolicyName): string | null {
  const texts = HINTS[scenarioId];
  if (!texts) return null;
  switch (server.kind) {
    case "prosody":
      return `Prosody: ${texts.prosody ?? texts.general}`;
    case "ejabberd":
      return `ejabberd: ${texts.ejabberd ?? texts.general}`;
    case "tigase":
      return `Tigase: ${texts.tigase ?? texts.general}`;
    case "reference": {
      const policy = server.policy ?? behavesLike;
      const specific = texts[policy];
      return specific
        ? `Reference server (${policy} policy, models ${MODELLED[policy]}): ${specific}`
        : `Reference server (${policy} policy): ${texts.general}`;
    }
    case "unknown": {
      const specific = behavesLike !== "spec" ? texts[behavesLike] : undefined;
      return specific ? `Behaves like ${MODELLED[behavesLike]}: ${specific}` : texts.general;
    }
  }
}
