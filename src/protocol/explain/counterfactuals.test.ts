/** The counterfactual search: exact sentences, order, folding, and the changes applied to an input. */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { pushedKeys } from "../policy/common";
import { ACCOUNT, SINK, available, chat, chatState, hibernated, input, noPresence, registration } from "../test-support/policy-fixtures";
import type { PolicyName } from "../policy/types";
import { applyChange, goneSessionId, newSessionId } from "./changes";
import { counterfactuals } from "./counterfactuals";
import type { Change } from "./types";

const R = (away: boolean, by = "phone") => [registration("n-3f9", { away, by })];
const sentences = (policy: PolicyName, spec: Parameters<typeof input>[0]) => counterfactuals(input(spec), policy).map((c) => c.sentence);
const pushes = (policy: PolicyName, spec: Parameters<typeof input>[0]) => pushedKeys(POLICIES[policy].decide(input(spec))).length > 0;

describe("why not pushed, and what would have pushed it", () => {
  // The walk-through: phone away, laptop available, away enabled from phone.
  const walkThrough = { sessions: [available("phone", "away"), available("laptop")], registrations: R(true) };

  it("names laptop first for the walk-through, and pressing it really pushes", () => {
    expect(pushes("spec", walkThrough)).toBe(false);
    const found = counterfactuals(input(walkThrough), "spec");
    expect(found.map((c) => c.sentence)).toEqual([
      "would have been pushed to n-3f9 if laptop had been away instead of available (or xa, unavailable and available at priority -1)",
      "would have been pushed to n-3f9 if laptop had disconnected",
      "would have been pushed to n-3f9 if the app on laptop had been killed (its session hibernated by stream management)",
    ]);
    const [first] = found;
    expect(first?.change).toEqual({ kind: "set-presence", resource: "laptop", show: "away", priority: 0 });
    expect(first?.outcome).toEqual({
      policy: "spec", rule: "spec/all-away", pushed: true, pushedTo: [{ jid: SINK, node: "n-3f9" }],
      reason: "all 2 receiving resources are away (phone: away; laptop: away) and registration n-3f9 has away=true, so it is pushed",
    });
    expect(first?.equivalents).toEqual([
      { kind: "set-presence", resource: "laptop", show: "xa", priority: 0 },
      { kind: "set-presence", resource: "laptop", show: "unavailable", priority: 0 },
      { kind: "set-presence", resource: "laptop", show: "available", priority: -1 },
    ]);
    // Set up by hand the way "Try it" would: laptop sends away, bob sends again.
    expect(pushes("spec", { ...walkThrough, sessions: [available("phone", "away"), available("laptop", "away")] })).toBe(true);
  });

  it("offers the away flag first when the rule rests on it", () => {
    const spec = { sessions: [available("laptop", "away")], registrations: R(false) };
    const [first] = counterfactuals(input(spec), "spec");
    expect(first?.sentence).toBe("would have been pushed to n-3f9 if registration n-3f9 had away='true'");
    expect(first?.change).toEqual({ kind: "re-enable", jid: SINK, node: "n-3f9", away: true, byResource: "phone" });
    expect(pushes("spec", { ...spec, registrations: R(true) })).toBe(true);
  });

  it("lists another policy last, saying what it does differently", () => {
    const found = sentences("spec", { sessions: [available("laptop")], registrations: R(true) });
    expect(found.slice(-2)).toEqual([
      "would have been pushed to n-3f9 under the prosody policy (it ignores away and pushes each registration whose enabling session is gone or hibernated)",
      "would have been pushed to n-3f9 under the ejabberd policy (it ignores away and pushes each registration whose enabling session is gone or hibernated, but never a groupchat or call proposal)",
    ]);
  });

  it("offers only the policies the caller can switch to", () => {
    const inp = input({ sessions: [available("laptop")], registrations: R(true) });
    const kinds = (otherPolicies: PolicyName[]) => counterfactuals(inp, "spec", { otherPolicies }).filter((c) => c.change.kind === "policy").map((c) => c.sentence.split(" policy")[0]);
    expect(kinds([])).toEqual([]);
    expect(kinds(["ejabberd", "tigase"])).toEqual(["would have been pushed to n-3f9 under the ejabberd"]);
  });

  it("does not list changes that flip nothing", () => {
    const found = counterfactuals(input({ sessions: [available("laptop")], registrations: R(true) }), "spec");
    const kinds = found.map((c) => c.change.kind);
    // Re-enabling without away, another available resource, a new resource or the tigase policy keep it unpushed.
    expect(kinds).not.toContain("re-enable");
    expect(kinds).not.toContain("connect-resource");
    expect(kinds).not.toContain("disable");
    expect(found.some((c) => c.change.kind === "policy" && c.change.policy === "tigase")).toBe(false);
  });

  it("tells Prosody users to kill the app or close the session that enabled the registration", () => {
    const spec = { sessions: [available("phone", "away")], registrations: R(true) };
    expect(sentences("prosody", spec)).toEqual([
      "would have been pushed to n-3f9 if phone had sent unavailable presence instead of away (or away at priority -1)",
      "would have been pushed to n-3f9 if phone had disconnected",
      "would have been pushed to n-3f9 if the app on phone had been killed (its session hibernated by stream management)",
      "would have been pushed to n-3f9 if bob@localhost had sent a groupchat message instead of a chat message with a body",
      "would have been pushed to n-3f9 under the spec policy (it pushes every registration when no resource is receiving, and only away='true' ones when all receiving resources are away)",
      "would have been pushed to n-3f9 under the tigase policy (it counts only a presence without <show> as online, and once the away trigger fires it pushes every registration)",
    ]);
    expect(pushes("prosody", { ...spec, sessions: [hibernated("phone", "away")] })).toBe(true);
    expect(pushes("prosody", { ...spec, sessions: [] })).toBe(true);
  });

  it("suggests enabling a registration when there is none", () => {
    const spec = { sessions: [available("laptop", "away")], registrations: [] };
    const found = counterfactuals(input(spec), "spec", { sinkJid: SINK, newNode: "n-new" });
    expect(found.map((c) => c.sentence)).toEqual(["would have been pushed to n-new if laptop had enabled a registration with away='true'"]);
    expect(found[0]?.change).toEqual({ kind: "enable", jid: SINK, node: "n-new", away: true, byResource: "laptop", byResourceStays: true });
    expect(pushes("spec", { ...spec, registrations: [registration("n-new", { away: true, by: "laptop" })] })).toBe(true);

    // Prosody needs the enabling session gone: a fresh resource enables and leaves.
    expect(sentences("prosody", spec)).toEqual([
      "would have been pushed to new-node if r1 had enabled a registration with away='true' and then disconnected",
      "would have been pushed to new-node if r1 had enabled a registration without away and then disconnected",
    ]);
  });

  it("explains a message the playground cannot send as is by the kind it can", () => {
    const spec = { sessions: [available("laptop", "away")], registrations: R(true), message: chatState({ callPropose: true }) };
    expect(sentences("spec", spec)).toEqual([
      "would have been pushed to n-3f9 if bob@localhost had sent a chat message with a body instead of a call proposal",
      "would have been pushed to n-3f9 under the prosody policy (it ignores away and pushes each registration whose enabling session is gone or hibernated)",
    ]);
    expect(pushes("spec", { ...spec, message: chat() })).toBe(true);
  });
});

describe("what would have suppressed a push", () => {
  it("a positive priority, for a resource at priority -1 (B.2 row 7)", () => {
    const spec = { sessions: [available("laptop", null, -1)], registrations: R(false) };
    const [first] = sentences("spec", spec);
    expect(first).toBe("would not have been pushed if laptop had been available instead of available at priority -1");
    expect(pushes("spec", { ...spec, sessions: [available("laptop")] })).toBe(false);
  });

  it("resuming the hibernated session, under Prosody (B.2 row 13, D hibernated)", () => {
    const spec = { sessions: [hibernated("phone", "away"), available("laptop", "away")], registrations: R(false), message: chatState() };
    expect(sentences("prosody", spec)).toEqual([
      "would not have been pushed if phone had resumed its hibernated session",
      "would not have been pushed if phone had disconnected",
      // Only a message queued to the hibernated session goes through the smacks queue path (differential run).
      "would not have been pushed if bob@localhost had sent to the full JID alice@localhost/laptop instead of the bare JID",
      // No "if n-3f9 had been disabled": another resource's disable leaves the hibernated phone
      // holding its push identifier, and its smacks queue still pushes (seen on Prosody 0.12).
      "would not have been pushed under the spec policy (it pushes every registration when no resource is receiving, and only away='true' ones when all receiving resources are away)",
      "would not have been pushed under the tigase policy (it counts only a presence without <show> as online, and once the away trigger fires it pushes every registration)",
    ]);
    expect(pushes("prosody", { ...spec, sessions: [available("phone", "away"), available("laptop", "away")] })).toBe(false);
  });

  it("the full JID instead of the bare JID, for Tigase's groupchat trigger (B.2 row 14)", () => {
    const spec = { sessions: [available("laptop", "away")], registrations: R(true), message: chat({ type: "groupchat" }) };
    expect(sentences("tigase", spec)).toContain(`would not have been pushed if bob@localhost had sent to the full JID ${ACCOUNT}/laptop instead of the bare JID`);
    expect(pushes("tigase", { ...spec, message: chat({ type: "groupchat", toResource: "laptop" }) })).toBe(false);
  });

  it("another policy, for the classic 'pushed although laptop is online' of Prosody", () => {
    const found = sentences("prosody", { sessions: [available("laptop")], registrations: R(false) });
    expect(found).toContain(
      "would not have been pushed under the spec policy (it pushes every registration when no resource is receiving, and only away='true' ones when all receiving resources are away)",
    );
  });
});

describe("applyChange", () => {
  const base = input({ sessions: [available("laptop"), noPresence("tablet")], registrations: R(true) });

  it.each<[string, Change, (i: ReturnType<typeof input>) => unknown, unknown]>([
    ["set-presence", { kind: "set-presence", resource: "laptop", show: "dnd", priority: 5 }, (i) => i.sessions[0]?.presence, { show: "dnd", priority: 5 }],
    ["set-presence unavailable", { kind: "set-presence", resource: "laptop", show: "unavailable", priority: 0 }, (i) => i.sessions[0]?.presence, null],
    ["disconnect", { kind: "disconnect", resource: "laptop" }, (i) => i.sessions.map((s) => s.resource), ["tablet"]],
    ["kill-app", { kind: "kill-app", resource: "laptop" }, (i) => i.sessions[0]?.state, "hibernated"],
    ["connect-resource", { kind: "connect-resource", resource: "r1", show: "away", priority: 0 }, (i) => i.sessions[2], {
      sessionId: newSessionId("r1"), resource: "r1", state: "connected", presence: { show: "away", priority: 0 }, presenceCount: 1,
    }],
    ["disable", { kind: "disable", jid: SINK, node: "n-3f9" }, (i) => i.registrations, []],
    ["send to a full JID", { kind: "send", to: "tablet", send: "chat" }, (i) => i.delivery, { deliveredTo: ["tablet"], storedOffline: false }],
  ])("%s", (_name, change, read, expected) => {
    expect(read(applyChange(base, change, "spec").input)).toEqual(expected);
  });

  it("routes again and keeps the offline count in step", () => {
    const nobody = input({ sessions: [], registrations: R(true), offlineCount: 3 });
    expect(nobody.delivery.storedOffline).toBe(true);
    const connected = applyChange(nobody, { kind: "connect-resource", resource: "r1", show: "available", priority: 0 }, "spec").input;
    expect(connected.delivery).toEqual({ deliveredTo: ["r1"], storedOffline: false });
    expect(connected.offlineCount).toBe(2);
    const gone = applyChange(base, { kind: "disconnect", resource: "laptop" }, "spec").input;
    expect(gone.delivery.storedOffline).toBe(true);
    expect(gone.offlineCount).toBe(1);
  });

  it("routes a bare chat the way the judging policy's server does (Prosody: the highest priority only)", () => {
    const raise: Change = { kind: "set-presence", resource: "laptop", show: "available", priority: 5 };
    const tied = input({ sessions: [available("laptop"), available("phone", "away")], registrations: R(true) });
    expect(applyChange(tied, raise, "spec").input.delivery.deliveredTo).toEqual(["laptop", "phone"]);
    expect(applyChange(tied, raise, "prosody").input.delivery.deliveredTo).toEqual(["laptop"]);
    expect(applyChange(tied, { kind: "policy", policy: "ejabberd" }, "spec").input.delivery.deliveredTo).toEqual(["laptop", "phone"]);
  });

  it("stores the away flag as the judging policy would (Prosody ignores it)", () => {
    const withoutAway = input({ sessions: [], registrations: R(false) });
    const change: Change = { kind: "re-enable", jid: SINK, node: "n-3f9", away: true, byResource: "phone" };
    expect(applyChange(withoutAway, change, "spec").input.registrations[0]?.away).toBe(true);
    expect(applyChange(withoutAway, change, "prosody").input.registrations[0]?.away).toBe(false);
  });

  it("binds an enable to the session of a resource that stays, or to a gone one", () => {
    const empty = input({ sessions: [available("laptop")], registrations: [] });
    const stays = applyChange(empty, { kind: "enable", jid: SINK, node: "n", away: false, byResource: "laptop", byResourceStays: true }, "prosody").input;
    expect(stays.registrations[0]?.enabledBySessionId).toBe("sess-laptop");
    const leaves = applyChange(empty, { kind: "enable", jid: SINK, node: "n", away: false, byResource: "r1", byResourceStays: false }, "prosody").input;
    expect(leaves.registrations[0]?.enabledBySessionId).toBe(goneSessionId("r1"));
    expect(leaves.sessions).toEqual(empty.sessions);
  });

  it("sends a fresh message: no delay, no call proposal", () => {
    const delayed = input({ sessions: [], registrations: R(true), message: chat({ delayedByOwnDomain: true, callPropose: true }) });
    const sent = applyChange(delayed, { kind: "send", to: "bare", send: "chat" }, "spec").input.message;
    expect(sent).toEqual({ type: "chat", hasBody: true, body: "Wherefore art thou?", from: delayed.message.from, toResource: null });
  });

  it("changes only the policy for a policy change", () => {
    const next = applyChange(base, { kind: "policy", policy: "tigase" }, "spec");
    expect(next.policy).toBe("tigase");
    expect(next.input).toEqual(base);
  });
});
