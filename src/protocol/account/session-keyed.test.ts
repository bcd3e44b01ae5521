/**
 * ejabberd's registrations keyed by their enabling session (mod_push + mod_push_mnesia 23.01, found
 * by the differential run): the account model fed with `<enable/>` and `<disable/>` iqs as a
 * client sends them, then ejabberd's decision on the account it leaves. Prosody is the control:
 * it keys registrations by jid and node only.
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { ruleTitle } from "../explain/rules";
import { POLICIES } from "../policy";
import type { IqType, PushPolicy } from "../policy/types";
import { buildDisable, buildEnable, parseDisable, parseEnable } from "../stanzas/push";
import { available, chat, chatState, hibernated, input, noPresence, SINK, sessionIdOf } from "../test-support/policy-fixtures";
import { appServerAnswer, disable, enable } from "./registrations";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const { ejabberd, prosody } = POLICIES;

function enableIq(state: AccountState, policy: PushPolicy, resource: string, node: string): AccountState {
  const iq = buildEnable({ jid: SINK, node });
  const parsed = parseEnable(iq);
  if (!parsed) throw new Error("not an enable");
  const result = enable(state, policy, {
    request: { iqType: "set", jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: `alice@localhost/${resource}` },
    publishOptions: parsed.publishOptions,
    sessionId: sessionIdOf(resource),
    resource,
  });
  if (result.refused) throw new Error(`enable refused: ${result.refused.condition}`);
  return result.state;
}

function disableIq(state: AccountState, policy: PushPolicy, resource: string, iq: Element) {
  const parsed = parseDisable(iq);
  if (!parsed) throw new Error("not a disable");
  return disable(state, policy, { iqType: iq.attrs.type as IqType, jid: parsed.jid, node: parsed.node, sessionId: sessionIdOf(resource) });
}

const nodes = (state: AccountState) => state.registrations.map((r) => r.node);

/** phone enables n-1 and n-2, laptop enables n-3. */
function threeRegistrations(policy: PushPolicy): AccountState {
  return enableIq(enableIq(enableIq(EMPTY_ACCOUNT, policy, "phone", "n-1"), policy, "phone", "n-2"), policy, "laptop", "n-3");
}

describe("ejabberd deletes a session's registrations together (delete_session by the session's id)", () => {
  it("a disable of one node removes every registration its enabling session made", () => {
    const iq = buildDisable({ jid: SINK, node: "n-1" });
    const e = disableIq(threeRegistrations(ejabberd), ejabberd, "laptop", iq);
    expect(e.refused).toBeNull();
    expect(e.removed.map((r) => r.node)).toEqual(["n-1", "n-2"]);
    expect(nodes(e.state)).toEqual(["n-3"]);
    const p = disableIq(threeRegistrations(prosody), prosody, "laptop", iq);
    expect(nodes(p.state)).toEqual(["n-2", "n-3"]);
  });

  it("an enable of the same jid and node by another session takes the old session's other registrations with it", () => {
    const state = threeRegistrations(ejabberd);
    const iq = buildEnable({ jid: SINK, node: "n-2" });
    const parsed = parseEnable(iq);
    const result = enable(state, ejabberd, {
      request: { iqType: "set", jid: parsed?.jid, node: parsed?.node, senderFullJid: "alice@localhost/laptop" },
      publishOptions: null,
      sessionId: sessionIdOf("laptop"),
      resource: "laptop",
    });
    if (result.refused) throw new Error("refused");
    expect(result.replaced).toBe(true);
    expect(result.removedWithSession.map((r) => r.node)).toEqual(["n-1"]);
    expect(result.state.registrations.map((r) => [r.node, r.enabledByResource])).toEqual([
      ["n-3", "laptop"],
      ["n-2", "laptop"],
    ]);
  });

  it("a non-wait App Server error on one registration removes its session's others", () => {
    const state = threeRegistrations(ejabberd);
    const answer = appServerAnswer(state, ejabberd, { jid: SINK, node: "n-2" }, { kind: "error", type: "cancel", condition: "item-not-found" });
    expect(answer.removed?.node).toBe("n-2");
    expect(answer.removedWithSession.map((r) => r.node)).toEqual(["n-1"]);
    expect(nodes(answer.state)).toEqual(["n-3"]);
    const kept = appServerAnswer(state, ejabberd, { jid: SINK, node: "n-2" }, { kind: "error", type: "wait", condition: "resource-constraint" });
    expect(nodes(kept.state)).toEqual(["n-1", "n-2", "n-3"]);
    expect(kept.removedWithSession).toEqual([]);
  });
});

describe("ejabberd: a disable clears the sending session's push id (mod_push:disable/3)", () => {
  it("even one that matches nothing: the session's live registration is then pushed by the MAM hook", () => {
    const state = enableIq(EMPTY_ACCOUNT, ejabberd, "phone", "n-1");
    const before = ejabberd.decide(input({ sessions: [noPresence("phone")], registrations: [...state.registrations], message: chat({ toResource: "tablet" }) }));
    expect(before.verdicts.map((v) => v.push)).toEqual([false]);

    const d = disableIq(state, ejabberd, "phone", buildDisable({ jid: SINK, node: "n-2" }));
    expect(d.refused?.condition).toBe("item-not-found");
    expect(d.state.registrations).toMatchObject([{ node: "n-1", pushIdCleared: true }]);

    const after = ejabberd.decide(input({ sessions: [noPresence("phone")], registrations: [...d.state.registrations], message: chat({ toResource: "tablet" }) }));
    expect(after.rule).toBe("ejabberd/push-id-cleared");
    expect(ruleTitle(after.rule)).toMatch(/cleared its push id/);
    expect(after.verdicts).toMatchObject([{ key: { node: "n-1" }, push: true }]);
    expect(after.verdicts[0]?.why).toMatch(/sent a disable since it enabled this/);
    // Not archived without a body: nothing for the MAM hook.
    const composing = ejabberd.decide(input({ sessions: [noPresence("phone")], registrations: [...d.state.registrations], message: chatState() }));
    expect(composing.verdicts.map((v) => v.push)).toEqual([false]);
  });

  it("only the sender's registrations, not on a disable refused before mod_push sees it, and until the session enables again", () => {
    const state = threeRegistrations(ejabberd);
    const byLaptop = disableIq(state, ejabberd, "laptop", buildDisable({ jid: SINK, node: "n-9" }));
    expect(byLaptop.state.registrations.map((r) => [r.node, r.pushIdCleared === true])).toEqual([
      ["n-1", false],
      ["n-2", false],
      ["n-3", true],
    ]);
    const get = disableIq(state, ejabberd, "laptop", buildDisable({ jid: SINK, node: "n-9", type: "get" }));
    expect(get.refused?.condition).toBe("not-allowed");
    expect(get.state).toBe(state);
    const again = enableIq(byLaptop.state, ejabberd, "laptop", "n-4");
    expect(again.registrations.some((r) => r.pushIdCleared)).toBe(false);
    // Prosody keeps no such state.
    expect(disableIq(threeRegistrations(prosody), prosody, "laptop", buildDisable({ jid: SINK, node: "n-9" })).state.registrations.some((r) => r.pushIdCleared)).toBe(false);
  });

  it("a pending session whose push id is cleared gets no queue push, only the MAM hook's, and no push when it hibernates", () => {
    const state = enableIq(EMPTY_ACCOUNT, ejabberd, "phone", "n-1");
    const { state: cleared } = disableIq(state, ejabberd, "phone", buildDisable({ jid: SINK, node: "n-2" }));
    const d = ejabberd.decide(input({ sessions: [hibernated("phone"), available("laptop", null, -1)], registrations: [...cleared.registrations], message: chat({ toResource: "phone" }) }));
    expect(d.rule).toBe("ejabberd/push-id-cleared");
    expect(d.verdicts).toMatchObject([{ push: true }]);
    const queued = [{ name: "message" as const, message: chat({ toResource: "phone" }) }];
    const sessions = [hibernated("phone")];
    expect(ejabberd.onHibernation?.({ account: "alice@localhost", sessions, registrations: [...state.registrations], sessionId: sessionIdOf("phone"), queued, options: input().options })).not.toBeNull();
    expect(ejabberd.onHibernation?.({ account: "alice@localhost", sessions, registrations: [...cleared.registrations], sessionId: sessionIdOf("phone"), queued, options: input().options })).toBeNull();
  });

  it("mod_push_keepalive's wake-up finds nothing after a disable: notify/3 looks up the push_session_id the disable removed", () => {
    const state = enableIq(EMPTY_ACCOUNT, ejabberd, "phone", "n-1");
    const { state: cleared } = disableIq(state, ejabberd, "phone", buildDisable({ jid: SINK, node: "n-2" }));
    const wake = (registrations: AccountState["registrations"]) =>
      ejabberd.onWakeUp?.({ account: "alice@localhost", sessions: [hibernated("phone")], registrations: [...registrations], sessionId: sessionIdOf("phone"), queued: [], options: input().options });
    expect(wake(state.registrations)?.pushes.map((p) => p.key.node)).toEqual(["n-1"]);
    expect(wake(cleared.registrations)).toBeNull();
  });
});
