/**
 * Decisions beyond the single-registration table: which of several registrations are pushed, the
 * summary each server sends, the sentences the UI shows, Tigase's "retrieved" ping.
 */
import { describe, expect, it } from "vitest";
import { pushedKeys } from "./common";
import { ACCOUNT, BOB, available, bodyless, chat, chatState, hibernated, input, noPresence, registration, sessionIdOf } from "../test-support/policy-fixtures";
import { POLICIES } from "./index";
import { POLICY_NAMES, type PolicyName, type PresencePushInput, type PushDecision } from "./types";

const nodes = (d: PushDecision): string[] => pushedKeys(d).map((k) => k.node);
const decide = (policy: PolicyName, spec: Parameters<typeof input>[0]): PushDecision => POLICIES[policy].decide(input(spec));

describe("which registrations are pushed", () => {
  // "phone" enabled n-away (away=true) and is gone; "laptop" enabled n-plain and is away.
  const regs = [registration("n-away", { away: true, by: "phone" }), registration("n-plain", { by: "laptop" })];
  const laptopAway = [available("laptop", "away")];

  it.each<[PolicyName, string[], string]>([
    ["spec", ["n-away"], "spec/all-away"],
    ["tigase", ["n-away", "n-plain"], "tigase/away"],
    ["prosody", ["n-away"], "prosody/session-not-alive"],
    ["ejabberd", ["n-away"], "ejabberd/session-not-alive"],
  ])("all resources away: %s pushes %j (%s)", (policy, expected, rule) => {
    const d = decide(policy, { sessions: laptopAway, registrations: regs });
    expect(nodes(d)).toEqual(expected);
    expect(d.rule).toBe(rule);
    expect(d.verdicts.map((v) => v.key.node)).toEqual(["n-away", "n-plain"]);
  });

  it("spec with away shows configured to include dnd pushes away registrations while the only resource is dnd", () => {
    const d = decide("spec", { sessions: [available("laptop", "dnd")], registrations: regs, options: { awayShows: ["away", "xa", "dnd"] } });
    expect(d.rule).toBe("spec/all-away");
    expect(nodes(d)).toEqual(["n-away"]);
  });

  it("B.2 rows 7/8 with a second registration whose session is connected without presence: Prosody's offline hook pushes it, ejabberd's MAM hook does not", () => {
    const sessions = [noPresence("laptop")];
    expect(nodes(decide("prosody", { sessions, registrations: regs }))).toEqual(["n-away", "n-plain"]);
    const ej = decide("ejabberd", { sessions, registrations: regs });
    expect(nodes(ej)).toEqual(["n-away"]);
    expect(ej.verdicts[1]?.why).toBe("not pushed: its enabling session (laptop) is still connected, and mod_push's MAM hook skips sessions ejabberd still holds");
  });

  it("Prosody pushes a call proposal to a registration whose session is live", () => {
    const d = decide("prosody", { sessions: [available("laptop")], registrations: regs, message: chatState({ callPropose: true }) });
    expect(nodes(d)).toEqual(["n-away", "n-plain"]);
  });

  it("Prosody delays only the hibernated registration when another one is pushed at once", () => {
    const mixed = [registration("n-hib", { by: "phone" }), registration("n-gone", { by: "tablet" })];
    const d = decide("prosody", { sessions: [hibernated("phone"), available("laptop")], registrations: mixed });
    expect(d.rule).toBe("prosody/session-not-alive");
    expect(d.delayMs).toBe(0);
    expect(d.verdicts.map((v) => [v.key.node, v.push, v.delayMs ?? d.delayMs])).toEqual([
      ["n-hib", true, 1000],
      ["n-gone", true, 0],
    ]);
  });

  it("a hibernated session without a registration of its own changes nothing for Prosody", () => {
    const d = decide("prosody", { sessions: [hibernated("tablet"), available("phone")], registrations: [registration("n-1", { by: "phone" })] });
    expect(d.rule).toBe("prosody/session-alive");
    expect(nodes(d)).toEqual([]);
  });

  it("Tigase's offline path needs the account to have no session at all (a hibernated one counts)", () => {
    const d = decide("tigase", { sessions: [hibernated("phone")], registrations: [registration("n-1")] });
    expect(d.rule).toBe("tigase/no-away-registration");
  });

  it("Tigase ignores a groupchat to the bare JID when no session could receive it", () => {
    const d = decide("tigase", { sessions: [noPresence("laptop")], message: chat({ type: "groupchat" }) });
    expect(d.rule).toBe("tigase/not-pushable");
  });

  it.each(POLICY_NAMES)("%s: an account without registrations gets a no-registrations decision", (policy) => {
    const d = decide(policy, { registrations: [] });
    expect(d).toMatchObject({ policy, rule: `${policy}/no-registrations`, verdicts: [], summary: {}, delayMs: 0 });
    expect(d.reason).toBe(`${ACCOUNT} has no push registration in force, so nothing is pushed`);
  });

  it.each<[PolicyName, string]>([
    ["spec", "spec/not-pushable"],
    ["tigase", "tigase/delayed"],
  ])("%s never pushes a message already stored offline (own-domain <delay>)", (policy, rule) => {
    const d = decide(policy, { message: chat({ delayedByOwnDomain: true }) });
    expect(d.rule).toBe(rule);
    expect(d.pushable).toBe(false);
    expect(d.reason).toContain("<delay> from localhost");
  });

  it.each<[PolicyName, boolean, boolean, boolean]>([
    // [policy, chat with body, chat state, headline]
    ["spec", true, false, false],
    ["tigase", true, false, true],
    ["prosody", true, true, false],
    ["ejabberd", true, true, false],
  ])("%s: pushable(chat with body)=%s, pushable(chat state)=%s, pushable(headline)=%s", (policy, withBody, state, headline) => {
    expect(decide(policy, {}).pushable).toBe(withBody);
    expect(decide(policy, { message: chatState() }).pushable).toBe(state);
    expect(decide(policy, { message: chat({ type: "headline" }) }).pushable).toBe(headline);
  });
});

describe("summary fields", () => {
  const nobody = { sessions: [] };

  it("spec: submit form, message-count = pushes since online + 1, full sender JID, body", () => {
    expect(decide("spec", { ...nobody, pushedSinceOnline: 2 }).summary).toEqual({
      formType: "submit",
      messageCount: 3,
      lastMessageSender: BOB,
      lastMessageBody: "Wherefore art thou?",
    });
  });

  it("spec: the body is left out when the operator turns includeBody off", () => {
    const summary = decide("spec", { ...nobody, options: { includeBody: false } }).summary;
    expect(summary.lastMessageBody).toBeUndefined();
    expect(summary.messageCount).toBe(1);
  });

  it("tigase: no form type, message-count = offline store size, sender and real body", () => {
    expect(decide("tigase", { ...nobody, offlineCount: 4 }).summary).toEqual({ messageCount: 4, lastMessageSender: BOB, lastMessageBody: "Wherefore art thou?" });
  });

  it("tigase: message-count is 0 in the usual away path (the message was delivered, the store is empty)", () => {
    const d = decide("tigase", { sessions: [available("laptop", "away")], registrations: [registration("n-1", { away: true })] });
    expect(d.rule).toBe("tigase/away");
    expect(d.summary.messageCount).toBe(0);
  });

  it("prosody: form type 'form', message-count always 1, no sender, placeholder body for an important message", () => {
    expect(decide("prosody", { ...nobody, pushedSinceOnline: 7, offlineCount: 9 }).summary).toEqual({ formType: "form", messageCount: 1, lastMessageBody: "New Message!" });
  });

  it("prosody: a body-less stanza from a hibernated session's queue is unimportant (no body field)", () => {
    const d = decide("prosody", { sessions: [hibernated("phone")], message: chatState() });
    expect(d.summary).toEqual({ formType: "form", messageCount: 1 });
  });

  it("prosody: a call proposal is important", () => {
    expect(decide("prosody", { message: chatState({ callPropose: true }) }).summary.lastMessageBody).toBe("New Message!");
  });

  it("ejabberd: submit form with the placeholder body only; no count, no sender", () => {
    expect(decide("ejabberd", nobody).summary).toEqual({ formType: "submit", lastMessageBody: "New message" });
  });

  it("ejabberd: a body-less stanza for a pending session gets a notification without any form", () => {
    const d = decide("ejabberd", { sessions: [hibernated("phone")], message: chatState() });
    expect(d.rule).toBe("ejabberd/session-pending");
    expect(d.summary).toEqual({ omitForm: true });
  });

  // Checked against Prosody 0.12 and ejabberd 23.01 with nobody of the account connected (C23's
  // affiliation message, a chat state, an empty message, `<body></body>`).
  it("prosody: a body-less message stored offline is pushed to every registration, as unimportant", () => {
    for (const message of [chatState(), bodyless()]) {
      const d = decide("prosody", { sessions: [], registrations: [registration("n-1"), registration("n-2", { by: "tablet" })], message });
      expect(d.rule).toBe("prosody/offline");
      expect(nodes(d)).toEqual(["n-1", "n-2"]);
      expect(d.summary).toEqual({ formType: "form", messageCount: 1 });
      expect(d.delayMs).toBe(0);
    }
  });

  it("ejabberd: a body-less message stored offline is pushed by the offline hook without a form; a standalone chat state is not stored, not pushed", () => {
    const stored = decide("ejabberd", { sessions: [], registrations: [registration("n-1"), registration("n-2", { by: "tablet" })], message: bodyless() });
    expect(stored.rule).toBe("ejabberd/offline");
    expect(nodes(stored)).toEqual(["n-1", "n-2"]);
    expect(stored.summary).toEqual({ omitForm: true });
    const state = decide("ejabberd", { sessions: [], message: chatState() });
    expect(state.rule).toBe("ejabberd/no-body");
    expect(nodes(state)).toEqual([]);
  });

  it.each(["prosody", "ejabberd"] as const)("%s: a body-less message for an account with a receiving session is still not pushed (B.2 row 13)", (policy) => {
    const d = decide(policy, { sessions: [available("laptop", "away")], message: bodyless() });
    expect(nodes(d)).toEqual([]);
  });

  it.each(POLICY_NAMES)("%s: no summary and no delay when nothing is pushed", (policy) => {
    const d = decide(policy, { sessions: [available("phone")], message: chatState() });
    expect(nodes(d)).toEqual([]);
    expect(d.summary).toEqual({});
    expect(d.delayMs).toBe(0);
  });
});

describe("sentences shown in the UI", () => {
  it.each<{ name: string; policy: PolicyName; spec: Parameters<typeof input>[0]; reason: string }>([
    {
      name: "spec, nobody connected",
      policy: "spec",
      spec: { sessions: [], registrations: [registration("n-1"), registration("n-2")] },
      reason: "alice@localhost has no session, so the message is stored offline and all 2 registrations (n-1 and n-2) are pushed",
    },
    {
      name: "spec, nobody receiving",
      policy: "spec",
      spec: { sessions: [available("laptop", null, -1), noPresence("tablet")] },
      reason: "no session of alice@localhost is receiving (laptop: available at priority -1; tablet: no presence yet), so the message is stored offline and registration n-1 is pushed",
    },
    {
      name: "spec, all away",
      policy: "spec",
      spec: { sessions: [available("laptop", "away"), available("tablet", "xa")], registrations: [registration("n-3f9", { away: true }), registration("n-2")] },
      reason: "all 2 receiving resources are away (laptop: away; tablet: xa) and registration n-3f9 has away=true, so it is pushed and the 1 registration without away=true is not",
    },
    {
      name: "spec, all away without away registrations",
      policy: "spec",
      spec: { sessions: [available("laptop", "xa")] },
      reason: "the only receiving resource is away (laptop: xa) but no registration has away=true, so nothing is pushed",
    },
    {
      name: "spec, one online",
      policy: "spec",
      spec: { sessions: [available("laptop", "away"), available("tablet", "chat")] },
      reason: "resource tablet is online (chat), so nothing is pushed",
    },
    {
      name: "tigase, away path",
      policy: "tigase",
      spec: { sessions: [available("laptop", "dnd")], registrations: [registration("n-1", { away: true }), registration("n-2")] },
      reason: "no session has a presence without <show> (laptop: dnd) and registration n-1 has away=true, so Tigase's away trigger fires and all 2 registrations (n-1 and n-2) are pushed, including the 1 registration without away=true",
    },
    {
      name: "tigase, negative priority still blocks",
      policy: "tigase",
      spec: { sessions: [available("laptop", null, -1)], registrations: [registration("n-1", { away: true })] },
      reason: "resource laptop has a presence without <show> (available at priority -1), which Tigase counts as online whatever the priority, so nothing is pushed",
    },
    {
      name: "tigase, offline path",
      policy: "tigase",
      spec: { sessions: [], offlineCount: 2 },
      reason: "alice@localhost has no session, so the message is stored offline and Tigase's offline path pushes registration n-1 with message-count 2",
    },
    {
      name: "prosody, hibernated",
      policy: "prosody",
      spec: { sessions: [hibernated("phone", "away")] },
      reason: "registration n-1 is pushed after Prosody's 1 s batch timer because its enabling session (phone) is hibernated",
    },
    {
      name: "prosody, live and gone sessions",
      policy: "prosody",
      spec: { sessions: [available("laptop")], registrations: [registration("n-1", { by: "phone" }), registration("n-2", { by: "laptop" })] },
      reason: "registration n-1 is pushed by the MAM hook because its enabling session (phone) is gone; registration n-2 is not pushed because its enabling session (laptop) is still connected",
    },
    {
      name: "ejabberd, stored offline",
      policy: "ejabberd",
      spec: { sessions: [] },
      reason: "the message is stored offline and archived by mod_mam; registration n-1 is pushed by mod_push's MAM hook because its enabling session (phone) is gone",
    },
  ])("$name", ({ policy, spec, reason }) => {
    expect(decide(policy, spec).reason).toBe(reason);
  });

  it("every verdict of every policy explains itself in one sentence", () => {
    const regs = [registration("n-1", { away: true }), registration("n-2", { by: "laptop" })];
    const setups = [[], [available("laptop")], [available("laptop", "away")], [hibernated("phone")], [noPresence("laptop")]];
    for (const policy of POLICY_NAMES) {
      for (const sessions of setups) {
        for (const message of [chat(), chatState(), chat({ type: "groupchat" })]) {
          const d = decide(policy, { sessions, registrations: regs, message });
          expect(d.verdicts).toHaveLength(2);
          for (const v of d.verdicts) {
            expect(v.why).toMatch(v.push ? /^pushed/ : /^not pushed/);
            expect(v.why).not.toMatch(/undefined|\.\s|\.$/);
          }
          expect(d.reason).not.toMatch(/undefined|\.\s|\.$/);
        }
      }
    }
  });
});

describe("Tigase 'retrieved' ping on a session's first presence (B.3, C24)", () => {
  const regs = [registration("n-away", { away: true }), registration("n-plain")];
  const ping = (over: Partial<PresencePushInput> & { presenceCount?: number; show?: "away" | null }) => {
    const tablet = { ...available("tablet", over.show ?? null), presenceCount: over.presenceCount ?? 1 };
    return {
      account: ACCOUNT,
      sessions: [tablet],
      registrations: over.registrations ?? regs,
      sessionId: over.sessionId ?? sessionIdOf("tablet"),
      options: { awayShows: ["away", "xa"] as const, includeBody: true },
    } satisfies PresencePushInput;
  };

  it("sends message-count 0, no sender, no body, to the away registrations only", () => {
    const d = POLICIES.tigase.onAvailablePresence(ping({}));
    expect(d).toEqual({
      rule: "tigase/retrieved",
      reason: `tablet sent its first presence (available), so Tigase's away extension sends a message-count=0 "retrieved" notification to registration n-away with away=true`,
      push: [{ jid: regs[0]?.jid, node: "n-away" }],
      summary: { messageCount: 0 },
    });
  });

  it("fires whatever the <show> of that first presence", () => {
    expect(POLICIES.tigase.onAvailablePresence(ping({ show: "away" }))?.push).toHaveLength(1);
  });

  it("does not fire on later presences", () => {
    expect(POLICIES.tigase.onAvailablePresence(ping({ presenceCount: 2 }))).toBeNull();
  });

  it("does not fire without away registrations, or for an unknown session", () => {
    expect(POLICIES.tigase.onAvailablePresence(ping({ registrations: [registration("n-plain")] }))).toBeNull();
    expect(POLICIES.tigase.onAvailablePresence(ping({ sessionId: "sess-nope" }))).toBeNull();
  });

  it.each<PolicyName>(["spec", "prosody", "ejabberd"])("%s sends no presence-triggered notification", (policy) => {
    expect(POLICIES[policy].onAvailablePresence(ping({}))).toBeNull();
  });
});
