/**
 * The account model's registration operations, fed with what a server parses from real stanzas:
 * `<enable/>` and `<disable/>` iqs as the playground builds them, the App Server's §9 message, and
 * its answers to publishes.
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import type { AppServerOutcome, IqType, PushPolicy } from "../policy/types";
import { buildDisable, buildEnable, buildRemoteDisable, parseDisable, parseEnable, parseRemoteDisable, type EnableOptions } from "../stanzas/push";
import { appServerAnswer, disable, enable, remoteDisable, removeRegistration, type EnableResult } from "./registrations";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const ACCOUNT = "alice@localhost";
const SINK = "pushsvc@localhost/sink";

/** The EnableOperation a server builds from an `<enable/>` iq sent by `resource`. */
function enableFrom(iq: Element, resource = "phone", sessionId = `c2s-${resource}`) {
  const parsed = parseEnable(iq);
  if (!parsed) throw new Error("not an enable");
  const iqType = iq.attrs.type as IqType;
  return {
    request: { iqType, jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: `${ACCOUNT}/${resource}` },
    publishOptions: parsed.publishOptions,
    sessionId,
    resource,
  };
}

function enabled(state: AccountState, policy: PushPolicy, options: Partial<EnableOptions> & { node: string }, resource = "phone") {
  const result = enable(state, policy, enableFrom(buildEnable({ jid: SINK, ...options }), resource));
  if (result.refused) throw new Error(`refused: ${result.refused.condition}`);
  return result;
}

function accountWith(policy: PushPolicy, nodes: string[]): AccountState {
  return nodes.reduce((state, node) => enabled(state, policy, { node }).state, EMPTY_ACCOUNT);
}

const nodesOf = (state: AccountState) => state.registrations.map((r) => r.node);
const cancel: AppServerOutcome = { kind: "error", type: "cancel", condition: "item-not-found" };
const wait: AppServerOutcome = { kind: "error", type: "wait", condition: "internal-server-error" };

describe("enable", () => {
  it("stores the registration as the policy reads the stanza: away flag, session, publish-options", () => {
    const iq = buildEnable({ jid: SINK, node: "n-3f9", away: true, publishOptions: { secret: "s3cr3t" } });
    const spec = enable(EMPTY_ACCOUNT, POLICIES.spec, enableFrom(iq));
    expect(spec.refused).toBeNull();
    expect(spec.state.registrations).toEqual([
      {
        jid: SINK,
        node: "n-3f9",
        away: true,
        enabledBySessionId: "c2s-phone",
        enabledByResource: "phone",
        publishOptions: { type: "submit", fields: [{ var: "FORM_TYPE", values: ["http://jabber.org/protocol/pubsub#publish-options"] }, { var: "secret", values: ["s3cr3t"] }] },
        errorCount: 0,
      },
    ]);
    // Prosody and ejabberd ignore the away attribute; Tigase reads only "true".
    expect(enable(EMPTY_ACCOUNT, POLICIES.prosody, enableFrom(iq)).state.registrations[0]!.away).toBe(false);
    const one = enableFrom(buildEnable({ jid: SINK, node: "n-1", away: "1" }));
    expect(enable(EMPTY_ACCOUNT, POLICIES.spec, one).state.registrations[0]!.away).toBe(true);
    expect(enable(EMPTY_ACCOUNT, POLICIES.tigase, one).state.registrations[0]!.away).toBe(false);
  });

  it("replaces a registration with the same jid and node whole, and makes it the most recent", () => {
    const before = accountWith(POLICIES.spec, ["n-1", "n-2"]);
    const again = enabled(before, POLICIES.spec, { node: "n-1", away: true }, "laptop");
    expect(again.replaced).toBe(true);
    expect(again.evicted).toEqual([]);
    expect(nodesOf(again.state)).toEqual(["n-2", "n-1"]);
    expect(again.state.registrations[1]).toMatchObject({ away: true, enabledByResource: "laptop", enabledBySessionId: "c2s-laptop" });
    // The same node at another push service is another registration.
    expect(enabled(before, POLICIES.spec, { node: "n-1", jid: "other@localhost/sink" }).replaced).toBe(false);
  });

  it("refuses what the policy refuses, leaving the account as it was", () => {
    const before = accountWith(POLICIES.ejabberd, ["n-1"]);
    const result = enable(before, POLICIES.ejabberd, enableFrom(buildEnable({ jid: SINK })));
    expect(result.refused).toEqual({ type: "cancel", condition: "feature-not-implemented", text: "Enabling push without 'node' attribute is not supported" });
    expect(result.state).toBe(before);
    // Prosody accepts a registration without node; its node is "".
    expect(enabled(EMPTY_ACCOUNT, POLICIES.prosody, { node: undefined as unknown as string }).state.registrations[0]!.node).toBe("");
    const get = enable(EMPTY_ACCOUNT, POLICIES.spec, enableFrom(buildEnable({ jid: SINK, node: "n-1", type: "get" })));
    expect(get.refused).toMatchObject({ type: "modify", condition: "bad-request" });
  });

  it("refuses a push JID the server cannot route to even when the policy accepts it", () => {
    const op = { ...enableFrom(buildEnable({ jid: SINK, node: "n-1" })), pushJid: null };
    const result: EnableResult = enable(EMPTY_ACCOUNT, POLICIES.prosody, op);
    expect(result.refused).toEqual({ type: "modify", condition: "jid-malformed", text: "the push service jid is not a valid JID" });
    // A normalized push JID is what the registration keeps.
    const normalized = enable(EMPTY_ACCOUNT, POLICIES.prosody, { ...op, pushJid: "pushsvc@localhost/sink" });
    expect(normalized.state.registrations[0]!.jid).toBe("pushsvc@localhost/sink");
  });

  it("evicts the least recently enabled beyond Prosody's push_max_devices (5)", () => {
    const five = accountWith(POLICIES.prosody, ["n-1", "n-2", "n-3", "n-4", "n-5"]);
    const sixth = enabled(five, POLICIES.prosody, { node: "n-6" });
    expect(sixth.evicted.map((r) => r.node)).toEqual(["n-1"]);
    expect(nodesOf(sixth.state)).toEqual(["n-2", "n-3", "n-4", "n-5", "n-6"]);
    // Re-enabling the oldest refreshes it instead of evicting anything.
    const refreshed = enabled(sixth.state, POLICIES.prosody, { node: "n-2" });
    expect(refreshed.evicted).toEqual([]);
    expect(nodesOf(refreshed.state)).toEqual(["n-3", "n-4", "n-5", "n-6", "n-2"]);
    expect(accountWith(POLICIES.spec, ["a", "b", "c", "d", "e", "f"]).registrations).toHaveLength(6);
  });
});

describe("disable", () => {
  const op = (iq: Element) => {
    const parsed = parseDisable(iq)!;
    return { iqType: iq.attrs.type as IqType, jid: parsed.jid, node: parsed.node };
  };

  it("removes one node, or every node of the push service when the disable names none", () => {
    const before = accountWith(POLICIES.spec, ["n-1", "n-2", "n-3"]);
    const one = disable(before, POLICIES.spec, op(buildDisable({ jid: SINK, node: "n-2" })));
    expect(one.refused).toBeNull();
    expect(one.removed.map((r) => r.node)).toEqual(["n-2"]);
    expect(nodesOf(one.state)).toEqual(["n-1", "n-3"]);
    const all = disable(before, POLICIES.spec, op(buildDisable({ jid: SINK })));
    expect(all.removed.map((r) => r.node)).toEqual(["n-1", "n-2", "n-3"]);
    expect(all.state.registrations).toEqual([]);
  });

  it("answers a disable that matches nothing as each policy does", () => {
    const before = accountWith(POLICIES.spec, ["n-1"]);
    const missing = op(buildDisable({ jid: SINK, node: "n-9" }));
    expect(disable(before, POLICIES.spec, missing)).toMatchObject({ refused: null, removed: [] });
    expect(disable(before, POLICIES.ejabberd, missing).refused).toEqual({ type: "cancel", condition: "item-not-found", text: "Push record not found" });
    expect(disable(before, POLICIES.prosody, op(buildDisable({ jid: SINK, node: "n-1", type: "get" }))).refused).toMatchObject({ condition: "service-unavailable" });
  });
});

describe("remote disable (XEP-0357 §9)", () => {
  const request = parseRemoteDisable(buildRemoteDisable({ from: SINK, to: ACCOUNT, node: "n-2", account: ACCOUNT }))!;
  const key = { jid: request.jid, node: request.node };

  it("removes the registration under policies that honour it, and is ignored elsewhere", () => {
    for (const policy of [POLICIES.spec, POLICIES.tigase]) {
      const result = remoteDisable(accountWith(policy, ["n-1", "n-2"]), policy, key);
      expect(result.honoured, policy.name).toBe(true);
      expect(result.removed?.node, policy.name).toBe("n-2");
      expect(nodesOf(result.state), policy.name).toEqual(["n-1"]);
    }
    for (const policy of [POLICIES.prosody, POLICIES.ejabberd]) {
      const before = accountWith(policy, ["n-1", "n-2"]);
      expect(remoteDisable(before, policy, key), policy.name).toEqual({ state: before, honoured: false, removed: null });
    }
  });

  it("only the registration's own push service can remove it", () => {
    const before = accountWith(POLICIES.spec, ["n-2"]);
    expect(remoteDisable(before, POLICIES.spec, { jid: "mallory@localhost/sink", node: "n-2" })).toEqual({ state: before, honoured: true, removed: null });
  });
});

describe("App Server answers", () => {
  const key = { jid: SINK, node: "n-1" };
  const answerAll = (policy: PushPolicy, outcomes: AppServerOutcome[]) =>
    outcomes.reduce((acc, outcome) => appServerAnswer(acc.state, policy, key, outcome), { state: accountWith(policy, ["n-1"]) } as { state: AccountState; removed?: unknown });

  it("Prosody counts non-wait errors, resets on a result and removes at the 16th", () => {
    const fifteen = answerAll(POLICIES.prosody, Array.from({ length: 15 }, () => cancel));
    expect(fifteen.state.registrations[0]!.errorCount).toBe(15);
    expect(answerAll(POLICIES.prosody, [cancel, cancel, wait, { kind: "timeout" }]).state.registrations[0]!.errorCount).toBe(2);
    expect(answerAll(POLICIES.prosody, [cancel, cancel, { kind: "result" }]).state.registrations[0]!.errorCount).toBe(0);
    const sixteenth = appServerAnswer(fifteen.state, POLICIES.prosody, key, cancel);
    expect(sixteenth.reaction.action).toBe("remove");
    expect(sixteenth.removed).toMatchObject({ node: "n-1", errorCount: 16 });
    expect(sixteenth.state.registrations).toEqual([]);
  });

  it("spec and ejabberd remove at the first non-wait error; a wait error keeps it everywhere", () => {
    for (const policy of [POLICIES.spec, POLICIES.ejabberd]) {
      expect(answerAll(policy, [cancel]).state.registrations, policy.name).toEqual([]);
    }
    for (const policy of Object.values(POLICIES)) expect(answerAll(policy, [wait]).state.registrations, policy.name).toHaveLength(1);
    // Tigase goes by the condition, not the type: a wait resource-constraint removes it there.
    expect(answerAll(POLICIES.tigase, [{ kind: "error", type: "wait", condition: "resource-constraint" }]).state.registrations).toEqual([]);
    // Tigase keeps the registration on the conditions its shouldDisablePush lets through.
    expect(answerAll(POLICIES.tigase, [{ kind: "error", type: "cancel", condition: "service-unavailable" }]).state.registrations).toHaveLength(1);
  });

  it("judges an answer for a registration gone meanwhile by the registration as published, and changes nothing", () => {
    const published = accountWith(POLICIES.spec, ["n-1"]).registrations[0]!;
    const result = appServerAnswer(EMPTY_ACCOUNT, POLICIES.spec, key, cancel, published);
    expect(result).toMatchObject({ state: EMPTY_ACCOUNT, current: null, removed: null });
    expect(result.reaction.action).toBe("remove");
  });
});

describe("values, not objects", () => {
  it("never changes the state it was given", () => {
    const before = accountWith(POLICIES.prosody, ["n-1", "n-2", "n-3", "n-4", "n-5"]);
    const frozen = structuredClone(before);
    enabled(before, POLICIES.prosody, { node: "n-6" });
    appServerAnswer(before, POLICIES.prosody, { jid: SINK, node: "n-1" }, cancel);
    disable(before, POLICIES.prosody, { iqType: "set", jid: SINK });
    removeRegistration(before, { jid: SINK, node: "n-2" });
    expect(before).toEqual(frozen);
  });
});
