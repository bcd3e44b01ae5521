/**
 * Prosody's push identifiers outlive the store's registrations (PushPolicy.removalKeepsOtherHolders):
 * mod_cloud_notify's `push_disable` clears `push_identifier` only on the session that sent it, so a
 * session that enabled a node disabled from another resource still pushes it through its smacks
 * queue. Seen on Prosody 0.12 with the differential harness (`A1 enable N1; A2 disable N1; A1 drop;
 * B → A1: chat` pushes N1 "New Message!"). Fed with the `<enable/>`/`<disable/>` iqs a client sends.
 */
import { describe, expect, it } from "vitest";
import { explain } from "../explain";
import { POLICIES } from "../policy";
import { pushIdentifierHolders } from "../policy/common";
import type { IqType, PolicyName, SessionSnapshot } from "../policy/types";
import { routeMessage } from "../routing";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { buildDisable, buildEnable, parseDisable, parseEnable } from "../stanzas/push";
import { available, hibernated } from "../test-support/policy-fixtures";
import { decideMessage } from "./counters";
import { findDetached, holdersOfKey, sessionEnded } from "./detached-holds";
import { appServerAnswer, disable, enable } from "./registrations";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const ACCOUNT = "alice@localhost";
const SINK = "pushsvc@localhost/sink";
const OPTIONS = { awayShows: ["away", "xa"] as const, includeBody: true };

function enabledBy(state: AccountState, policy: PolicyName, resource: string, node: string): AccountState {
  const parsed = parseEnable(buildEnable({ jid: SINK, node }));
  if (!parsed) throw new Error("not an enable");
  const result = enable(state, POLICIES[policy], {
    request: { iqType: "set" as IqType, jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: `${ACCOUNT}/${resource}` },
    publishOptions: parsed.publishOptions,
    sessionId: `sess-${resource}`,
    resource,
  });
  if (result.refused) throw new Error(`refused: ${result.refused.condition}`);
  return result.state;
}

function disabledBy(state: AccountState, policy: PolicyName, resource: string, node?: string): AccountState {
  const parsed = parseDisable(buildDisable({ jid: SINK, ...(node ? { node } : {}) }));
  if (!parsed) throw new Error("not a disable");
  return disable(state, POLICIES[policy], { iqType: "set", jid: parsed.jid, node: parsed.node, sessionId: `sess-${resource}` }).state;
}

function pushedFor(state: AccountState, policy: PolicyName, sessions: SessionSnapshot[], stanza: string): string[] {
  const message = { ...messageSnapshot(parseXml(stanza), { ownDomain: "localhost" }), from: "bob@localhost/pc" };
  const delivery = routeMessage(sessions, message, POLICIES[policy].bareJidDelivery);
  const { decision } = decideMessage(state, POLICIES[policy], { account: ACCOUNT, sessions, message, delivery, options: { ...OPTIONS, awayShows: [...OPTIONS.awayShows] } });
  return decision.verdicts.filter((v) => v.push).map((v) => v.key.node);
}

const chatTo = (resource: string, body = "<body>hi</body>") => `<message xmlns="jabber:client" type="chat" to="${ACCOUNT}/${resource}" id="c">${body}</message>`;

describe("a disable from another session leaves the enabler holding the registration (prosody)", () => {
  const afterDisable = disabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N1"), "prosody", "A2", "N1");

  it("the store loses it; A1 keeps it as a detached hold", () => {
    expect(afterDisable.registrations).toEqual([]);
    expect(afterDisable.detached).toMatchObject([{ registration: { node: "N1", enabledBySessionId: "sess-A1" }, holders: ["sess-A1"] }]);
    expect(holdersOfKey(afterDisable, { jid: SINK, node: "N1" })).toEqual(["sess-A1"]);
  });

  it("a message queued to the hibernated A1 pushes it after Prosody's 1 s batch, with the placeholder body", () => {
    const sessions = [hibernated("A1"), available("A2")];
    const message = { ...messageSnapshot(parseXml(chatTo("A1")), { ownDomain: "localhost" }), from: "bob@localhost/pc" };
    const { decision, input } = decideMessage(afterDisable, POLICIES.prosody, {
      account: ACCOUNT,
      sessions,
      message,
      delivery: routeMessage(sessions, message, "top-priority"),
      options: { awayShows: ["away", "xa"], includeBody: true },
    });
    expect(decision).toMatchObject({ rule: "prosody/hibernated", delayMs: 1000, summary: { lastMessageBody: "New Message!" } });
    expect(decision.verdicts).toMatchObject([{ key: { node: "N1" }, push: true, delayMs: 1000 }]);
    expect(decision.verdicts[0]?.why).toMatch(/no longer stored, but A1, hibernated, still holds its push identifier/);
    expect(decision.reason).toBe("registration N1 is no longer stored but still held by hibernated A1, so the smacks queue pushes it after Prosody's 1 s batch timer");
    expect(explain(input, decision).headline).toBe(`Pushed to N1: ${decision.reason}.`);
  });

  it("nothing for a message that does not go into A1's queue: stored offline, or to A1 while connected", () => {
    expect(pushedFor(afterDisable, "prosody", [hibernated("A1"), available("A2")], chatTo("A2"))).toEqual([]);
    expect(pushedFor(afterDisable, "prosody", [available("A1")], chatTo("A1"))).toEqual([]);
    // Nobody receiving: mod_cloud_notify's offline hook reads the store, which no longer has N1.
    expect(pushedFor(afterDisable, "prosody", [], chatTo("A3"))).toEqual([]);
  });

  it("A1's hibernation start and overdue acks push it too", () => {
    const input = {
      account: ACCOUNT,
      sessions: [hibernated("A1")],
      registrations: [],
      sessionId: "sess-A1",
      queued: [{ name: "presence" as const }],
      options: { awayShows: ["away", "xa"] as ("away" | "xa")[], includeBody: true },
      detached: afterDisable.detached ? [...afterDisable.detached] : [],
    };
    expect(POLICIES.prosody.onHibernation?.(input)?.pushes.map((p) => p.key.node)).toEqual(["N1"]);
    expect(POLICIES.prosody.onAckOverdue?.(input)?.pushes.map((p) => p.key.node)).toEqual(["N1"]);
  });

  it("A1's own disable of N1 afterwards matches nothing stored and clears nothing (seen on Prosody 0.12)", () => {
    const again = disabledBy(afterDisable, "prosody", "A1", "N1");
    expect(findDetached(again, { jid: SINK, node: "N1" })?.holders).toEqual(["sess-A1"]);
  });

  it("A1 lets go when it enables another node, or when its session ends", () => {
    const moved = enabledBy(afterDisable, "prosody", "A1", "N2");
    expect(moved.detached).toBeUndefined();
    expect(pushedFor(moved, "prosody", [hibernated("A1")], chatTo("A1"))).toEqual(["N2"]);
    expect(sessionEnded(afterDisable, "sess-A1").detached).toBeUndefined();
  });

  it("a re-enable of N1 from A2 makes A1 an earlier holder of the new registration again", () => {
    const reenabled = enabledBy(afterDisable, "prosody", "A2", "N1");
    expect(reenabled.detached).toBeUndefined();
    expect(reenabled.registrations[0]).toMatchObject({ enabledBySessionId: "sess-A2", earlierHolders: ["sess-A1"] });
    // A2 gone, A1 connected: A1 holds N1, so the MAM hook does not push it.
    expect(pushedFor(reenabled, "prosody", [available("A1")], chatTo("A1"))).toEqual([]);
  });

  it("the App Server's errors to its pushes change nothing (handle_push_error finds no stored registration)", () => {
    const answer = appServerAnswer(afterDisable, POLICIES.prosody, { jid: SINK, node: "N1" }, { kind: "error", type: "cancel", condition: "item-not-found" });
    expect(answer.current).toBeNull();
    expect(answer.state).toBe(afterDisable);
  });

  it.each<PolicyName>(["spec", "tigase", "ejabberd"])("%s: a removed registration is held by nobody", (policy) => {
    const state = disabledBy(enabledBy(EMPTY_ACCOUNT, policy, "A1", "N1"), policy, "A2", "N1");
    expect(state.detached).toBeUndefined();
    expect(pushedFor(state, policy, [hibernated("A1")], chatTo("A1"))).toEqual([]);
  });
});

describe("a session whose push identifier left the store holds none of its older registrations (prosody)", () => {
  const both = enabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N1"), "prosody", "A1", "N2");

  it("A2 disables A1's latest node: the MAM hook pushes N1 while A1 is connected (seen on Prosody 0.12)", () => {
    const state = disabledBy(both, "prosody", "A2", "N2");
    expect(pushIdentifierHolders(state.registrations[0]!, state.registrations)).toEqual([]);
    expect(pushedFor(state, "prosody", [available("A1"), available("A2")], chatTo("A2"))).toEqual(["N1"]);
  });

  it("A1 disables its latest node itself: the same", () => {
    const state = disabledBy(both, "prosody", "A1", "N2");
    expect(state.detached).toBeUndefined();
    expect(pushedFor(state, "prosody", [available("A1"), available("A2")], chatTo("A2"))).toEqual(["N1"]);
  });

  it("A2 enables A1's latest node: A1 holds that one only (N1 is pushed while A1 is connected)", () => {
    const state = enabledBy(both, "prosody", "A2", "N2");
    expect(pushedFor(state, "prosody", [available("A1"), available("A2")], chatTo("A2"))).toEqual(["N1"]);
  });
});
