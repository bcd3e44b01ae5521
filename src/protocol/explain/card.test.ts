/** The explanation card: exact headlines, the state it records, and the facts it carries. */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { ACCOUNT, BOB, SINK, available, chat, chatState, hibernated, input, noPresence, registration } from "../test-support/policy-fixtures";
import type { DecisionInput, PolicyName } from "../policy/types";
import { explain } from "./card";
import type { ExplainFacts, ExplanationCard } from "./types";

const card = (policy: PolicyName, spec: Parameters<typeof input>[0], facts?: ExplainFacts): ExplanationCard => {
  const inp: DecisionInput = input(spec);
  return explain(inp, POLICIES[policy].decide(inp), facts);
};
const R = (away: boolean) => [registration("n-3f9", { away, by: "phone" })];

describe("headlines", () => {
  it.each<[string, PolicyName, Parameters<typeof input>[0], string]>([
    ["an online resource suppresses (spec)", "spec", { sessions: [available("phone", "away"), available("laptop")], registrations: R(true) },
      "Not pushed: laptop is online (available), so spec pushes nothing."],
    ["the only receiving resource is away (spec)", "spec", { sessions: [available("phone", "away")], registrations: R(true) },
      "Pushed to n-3f9: the only receiving resource, phone, is away and n-3f9 has away='true'."],
    ["away without an away registration (spec)", "spec", { sessions: [available("laptop", "xa")], registrations: R(false) },
      "Not pushed: the only receiving resource, laptop, is xa, but no registration has away='true' (n-3f9 was enabled without it)."],
    ["several receiving resources away (spec)", "spec", { sessions: [available("laptop", "away"), available("tablet", "xa")], registrations: R(true) },
      "Pushed to n-3f9: every receiving resource is away (laptop: away, tablet: xa) and n-3f9 has away='true'."],
    ["nobody connected (spec)", "spec", { sessions: [], registrations: R(false) },
      "Pushed to n-3f9: nobody of alice@localhost is connected, so spec pushes every registration."],
    ["negative priority and no presence (spec)", "spec", { sessions: [available("laptop", null, -1), noPresence("tablet")], registrations: R(false) },
      "Pushed to n-3f9: no resource is receiving (laptop is available at priority -1 and tablet has sent no presence), so spec pushes every registration."],
    ["hibernated last presence available (tigase)", "tigase", { sessions: [hibernated("phone")], registrations: R(true) },
      "Not pushed: phone has a presence without <show> (hibernated, last presence available), which Tigase counts as online whatever the priority, so it pushes nothing."],
    ["no away registration (tigase)", "tigase", { sessions: [available("laptop", "away")], registrations: R(false) },
      "Not pushed: alice@localhost has a session (laptop is away), so Tigase's offline path does not apply, and no registration has away='true' (n-3f9 was enabled without it), so the away trigger does not fire."],
    ["dnd is away for Tigase", "tigase", { sessions: [available("laptop", "dnd")], registrations: R(true) },
      "Pushed to n-3f9: no session has a presence without <show> (laptop is dnd) and n-3f9 has away='true', so Tigase's away trigger fires."],
    ["another resource online does not matter (prosody)", "prosody", { sessions: [available("laptop")], registrations: R(false) },
      "Pushed to n-3f9: the enabling session of n-3f9, phone, is gone, so Prosody's MAM hook pushes it. Prosody does not look at the other resources' presence (laptop is available)."],
    ["the enabling session is live (ejabberd)", "ejabberd", { sessions: [available("phone", "away")], registrations: R(true) },
      "Not pushed: the enabling session of n-3f9, phone, is still connected, so ejabberd does not push it."],
    ["killed app (prosody)", "prosody", { sessions: [hibernated("phone", "away"), available("laptop")], registrations: R(false) },
      "Pushed to n-3f9: the enabling session of n-3f9, phone, is hibernated, so Prosody pushes it after its 1 s batch timer. Prosody does not look at the other resources' presence (laptop is available)."],
    ["offline storage (prosody)", "prosody", { sessions: [noPresence("laptop")], registrations: R(false) },
      "Pushed to n-3f9: the message is stored offline because no resource is receiving (laptop has sent no presence), so Prosody's offline hook pushes n-3f9."],
    ["a chat state (ejabberd)", "ejabberd", { sessions: [available("laptop", "away")], registrations: R(false), message: chatState() },
      "Not pushed: the message has no <body>, so ejabberd does not archive it, and the enabling session of n-3f9, phone, is gone rather than hibernated."],
    ["a groupchat message (spec, from the policy's reason)", "spec", { sessions: [available("laptop", "away")], registrations: R(true), message: chat({ type: "groupchat" }) },
      "Not pushed: a groupchat message is not pushable under spec (only chat and normal are)."],
    ["no registration", "spec", { sessions: [available("laptop")], registrations: [] },
      "Not pushed: alice@localhost has no push registration in force, so nothing is pushed."],
  ])("%s", (_name, policy, spec, expected) => {
    expect(card(policy, spec).headline).toBe(expected);
  });

  it("names the registrations left out, in a second sentence", () => {
    const regs = [registration("n-away", { away: true, by: "phone" }), registration("n-plain", { by: "laptop" })];
    expect(card("spec", { sessions: [available("laptop", "away")], registrations: regs }).headline).toBe(
      "Pushed to n-away: the only receiving resource, laptop, is away and n-away has away='true'. n-plain is not pushed: only registrations with away='true' are, when every receiving resource is away.",
    );
    expect(card("tigase", { sessions: [available("laptop", "away")], registrations: regs }).headline).toBe(
      "Pushed to n-away and n-plain: no session has a presence without <show> (laptop is away) and n-away has away='true', so Tigase's away trigger fires. Tigase pushes n-plain too, although it lacks away='true'.",
    );
    expect(card("ejabberd", { sessions: [available("laptop", "away")], registrations: regs }).headline).toBe(
      "Pushed to n-away: the enabling session of n-away, phone, is gone, so ejabberd's MAM hook pushes it; the enabling session of n-plain, laptop, is still connected, so ejabberd does not push it.",
    );
  });
});

describe("the state on the card", () => {
  it("records each resource's connection, receiving, standing and presence, and marks the deciders", () => {
    const c = card("spec", { sessions: [available("phone", "away"), available("laptop", "dnd", 3), hibernated("tablet"), noPresence("watch")], registrations: R(true) });
    expect(c.resources).toEqual([
      { resource: "phone", sessionId: "sess-phone", connection: "connected", receiving: true, standing: "away", countsAs: "away", presence: { show: "away", priority: 0 }, presenceText: "away", enabled: [{ jid: SINK, node: "n-3f9" }], decisive: false },
      { resource: "laptop", sessionId: "sess-laptop", connection: "connected", receiving: true, standing: "online", countsAs: "online", presence: { show: "dnd", priority: 3 }, presenceText: "dnd", enabled: [], decisive: true },
      { resource: "tablet", sessionId: "sess-tablet", connection: "hibernated", receiving: false, standing: "not-receiving", countsAs: "not-receiving", presence: { show: null, priority: 0 }, presenceText: "hibernated, last presence available", enabled: [], decisive: false },
      { resource: "watch", sessionId: "sess-watch", connection: "connected", receiving: false, standing: "not-receiving", countsAs: "not-receiving", presence: null, presenceText: "no presence yet", enabled: [], decisive: false },
    ]);
    expect(c.rule).toEqual({ id: "spec/online-session", title: "a resource is online: nothing is pushed", reason: "resource laptop is online (dnd), so nothing is pushed" });
  });

  it("says how Tigase counts a resource where it departs from §0.1", () => {
    const c = card("tigase", { sessions: [available("laptop", "chat"), available("tablet", null, -1), hibernated("phone"), noPresence("watch")], registrations: R(true) });
    expect(c.resources.map((r) => [r.resource, r.standing, r.countsAs])).toEqual([
      ["laptop", "online", "away"],
      ["tablet", "not-receiving", "online"],
      ["phone", "not-receiving", "online"],
      ["watch", "not-receiving", "not-receiving"],
    ]);
    expect(c.resources.filter((r) => r.decisive).map((r) => r.resource)).toEqual(["tablet", "phone"]);
  });

  it("records each registration's jid, node, away flag, error count and enabling session, with its outcome and delay", () => {
    const regs = [registration("n-hib", { by: "phone", errorCount: 3 }), registration("n-live", { by: "laptop" })];
    const c = card("prosody", { sessions: [hibernated("phone"), available("laptop")], registrations: regs });
    expect(c.registrations).toEqual([
      {
        key: { jid: SINK, node: "n-hib" }, label: "n-hib", away: false, errorCount: 3, enabledByResource: "phone", enabler: "hibernated", enablerAlive: false,
        push: true, why: "pushed after 1 s: its enabling session (phone) is hibernated, so the smacks queue path pushes it", delayMs: 1000, decisive: true,
      },
      {
        key: { jid: SINK, node: "n-live" }, label: "n-live", away: false, errorCount: 0, enabledByResource: "laptop", enabler: "connected", enablerAlive: true,
        push: false, why: "not pushed: its enabling session (laptop) is still connected", decisive: true,
      },
    ]);
    expect(c.pushedTo).toEqual([{ jid: SINK, node: "n-hib" }]);
    expect(c.resources.filter((r) => r.decisive).map((r) => r.resource)).toEqual(["phone", "laptop"]);
  });

  it("records the message and whether it decided", () => {
    const long = "x".repeat(100);
    const c = card("spec", { sessions: [available("laptop", "away")], registrations: R(true), message: chat({ body: long, toResource: "laptop" }) });
    expect(c.message).toEqual({
      type: "chat", hasBody: true, bodyPreview: `${"x".repeat(79)}…`, from: BOB, to: "laptop", storedOffline: false,
      deliveredTo: ["laptop"], callPropose: false, delayedByOwnDomain: false, decisive: false,
    });
    const chatStateCard = card("spec", { sessions: [], registrations: R(true), message: chatState() });
    expect(chatStateCard.message).toMatchObject({ hasBody: false, to: "bare", storedOffline: true, decisive: true });
    expect(chatStateCard.message.bodyPreview).toBeUndefined();
  });
});

describe("a decision the explainer does not know", () => {
  it("falls back to the rule id and the recorded reason (a newer server's record)", () => {
    const inp = input({ sessions: [available("laptop")], registrations: R(false) });
    const recorded = { ...POLICIES.prosody.decide(inp), rule: "prosody/some-new-rule", reason: "a newer mod_cloud_notify skipped it" };
    recorded.verdicts = recorded.verdicts.map((v) => ({ ...v, push: false, why: "not pushed: skipped" }));
    const c = explain(inp, recorded, { source: "decision-record" });
    expect(c.rule).toEqual({ id: "prosody/some-new-rule", title: "prosody/some-new-rule", reason: "a newer mod_cloud_notify skipped it" });
    expect(c.headline).toBe("Not pushed: a newer mod_cloud_notify skipped it.");
    expect(c.resources.some((r) => r.decisive)).toBe(false);
  });

  it("trusts the verdicts over its own reading of the paths", () => {
    const inp = input({ sessions: [available("phone")], registrations: R(false) });
    const odd = { ...POLICIES.ejabberd.decide(inp), reason: "recorded reason" };
    odd.verdicts = odd.verdicts.map((v) => ({ ...v, push: true }));
    expect(explain(inp, odd).headline).toBe("Pushed to n-3f9: recorded reason.");
  });
});

describe("facts and notes", () => {
  it("marks a prediction as such and a decision record as the server's", () => {
    const predicted = card("spec", { sessions: [], registrations: R(false) });
    expect(predicted.source).toBe("prediction");
    expect(predicted.notes).toEqual(["A prediction of the spec policy from the state the playground observed, not the server's own record."]);
    const recorded = card("spec", { sessions: [], registrations: R(false) }, { source: "decision-record", messageId: "m-7" });
    expect(recorded).toMatchObject({ source: "decision-record", messageId: "m-7", notes: [], account: ACCOUNT });
  });

  it("notes that Prosody ignores away='true' and that a server without the away feature may too", () => {
    const c = card("prosody", { sessions: [], registrations: R(true) }, { source: "decision-record", awayAdvertised: false });
    expect(c.notes).toEqual([
      "Prosody ignores away='true' on n-3f9.",
      "The server does not advertise tigase:push:away:0, so away='true' may have no effect there.",
    ]);
  });

  it("attaches what the App Server did with each publish", () => {
    const publish = { key: { jid: SINK, node: "n-3f9" }, outcome: { kind: "error" as const, type: "cancel" as const, condition: "item-not-found" }, reaction: { action: "remove" as const, errorCount: 1, why: "gone" } };
    const c = card("spec", { sessions: [], registrations: R(false) }, { publishes: [publish] });
    expect(c.registrations[0]?.publish).toEqual(publish);
  });
});

describe("registrations the server removed before the message (issue 10)", () => {
  const removedN1 = { key: { jid: SINK, node: "n-1" }, cause: { kind: "error" as const, type: "auth" as const, condition: "forbidden" }, rule: "ejabberd removes on the first non-wait error" };

  it("a message with no registration left says the server removed it, the answer that caused it and the rule", () => {
    const c = card("ejabberd", { sessions: [], registrations: [] }, { removed: [removedN1] });
    expect(c.pushed).toBe(false);
    expect(c.headline).toBe(
      "Not pushed: no push registration in force: the server removed n-1 after the App Server answered auth/forbidden (ejabberd removes on the first non-wait error). Enable push again to get pushes.",
    );
  });

  it("a removal beside registrations still in force becomes a note, not the headline", () => {
    const c = card("spec", { sessions: [], registrations: R(false) }, { removed: [removedN1] });
    expect(c.headline).toBe("Pushed to n-3f9: nobody of alice@localhost is connected, so spec pushes every registration.");
    expect(c.notes).toContain(
      "Before this message the server removed n-1 after the App Server answered auth/forbidden (ejabberd removes on the first non-wait error); enable again to have it pushed.",
    );
  });

  it("a registration still in force when the message was decided is not reported as removed before it", () => {
    const c = card("spec", { sessions: [], registrations: R(false) }, { removed: [{ ...removedN1, key: { jid: SINK, node: "n-3f9" } }] });
    expect(c.notes.some((n) => n.includes("removed"))).toBe(false);
  });

  it("a removal after a timeout says the App Server did not answer", () => {
    const c = card("prosody", { sessions: [], registrations: [] }, { removed: [{ ...removedN1, cause: { kind: "timeout" }, rule: "prosody removes at the 16th error" }] });
    expect(c.headline).toContain("the server removed n-1 after the App Server did not answer (prosody removes at the 16th error)");
  });
});
