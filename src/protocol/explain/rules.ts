/** Plain titles for the policies' rule ids, and what each policy does in one phrase (docs/push-semantics.md §0.2). */
import type { PolicyName } from "../policy/types";

const TITLES: Readonly<Record<string, string>> = {
  "spec/no-registrations": "no push registration in force",
  "spec/not-pushable": "the message is not pushable",
  "spec/no-receiving-session": "no resource is receiving: every registration is pushed",
  "spec/online-session": "a resource is online: nothing is pushed",
  "spec/all-away": "every receiving resource is away: only registrations with away='true' are pushed",
  "tigase/no-registrations": "no push registration in force",
  "tigase/delayed": "an offline message handed out again is never pushed",
  "tigase/not-pushable": "the message fires no Tigase trigger",
  "tigase/offline": "the account has no session: the offline path pushes every registration",
  "tigase/groupchat": "a groupchat message to the bare JID: the groupchat trigger pushes every registration",
  "tigase/no-away-registration": "the account has a session and no registration has away='true': no trigger fires",
  "tigase/online-session": "a session has a presence without <show>: Tigase counts it as online",
  "tigase/away": "nobody online and a registration has away='true': the away trigger pushes every registration",
  "prosody/no-registrations": "no push registration in force",
  "prosody/urgent": "a call proposal is urgent: every registration is pushed",
  "prosody/bare-groupchat": "a groupchat message to the bare JID: every registration is pushed",
  "prosody/not-pushable": "the message is neither archived nor stored offline",
  "prosody/offline": "the message is stored offline: the offline hook pushes every registration",
  "prosody/session-not-alive": "the enabling session is gone: the MAM hook pushes its registration",
  "prosody/hibernated": "the enabling session is hibernated: its registration is pushed after 1 s",
  "prosody/session-alive": "the enabling session is still connected: its registration is not pushed",
  "prosody/no-body": "without a <body> the message is not archived: only hibernated sessions get a push",
  "ejabberd/no-registrations": "no push registration in force",
  "ejabberd/not-pushable": "the message is not archived by mod_mam",
  "ejabberd/bounced": "the message is bounced (a standalone chat state nobody receives): nothing is pushed",
  "ejabberd/offline": "a body-less message stored offline: the offline hook pushes every registration",
  "ejabberd/session-not-alive": "the enabling session is gone: the MAM hook pushes its registration",
  "ejabberd/push-id-cleared": "the enabling session sent a disable since, which cleared its push id: the MAM hook pushes its registration",
  "ejabberd/push-id-moved": "the enabling session was resumed (a new sid) and enabled again, which moved its push id: the MAM hook pushes its older registration",
  "ejabberd/session-pending": "the enabling session is hibernated (pending): its registration is pushed",
  "ejabberd/session-alive": "the enabling session is still connected: its registration is not pushed",
  "ejabberd/no-body": "without a <body> the message is not archived: only pending sessions get a push",
};

/** A rule's plain title; an id no policy knows (a newer server's record) is shown as it is. */
export function ruleTitle(rule: string): string {
  return TITLES[rule] ?? rule;
}

/** What makes each policy differ, for "…under the prosody policy (it ignores away…)". */
export const POLICY_GIST: Readonly<Record<PolicyName, string>> = {
  spec: "it pushes every registration when no resource is receiving, and only away='true' ones when all receiving resources are away",
  tigase: "it counts only a presence without <show> as online, and once the away trigger fires it pushes every registration",
  prosody: "it ignores away and pushes each registration whose enabling session is gone or hibernated",
  ejabberd: "it ignores away and pushes each registration whose enabling session is gone or hibernated, but never a groupchat or call proposal",
};

/** How the headline names the server behind a policy. */
export const POLICY_LABEL: Readonly<Record<PolicyName, string>> = {
  spec: "spec",
  tigase: "Tigase",
  prosody: "Prosody",
  ejabberd: "ejabberd",
};
