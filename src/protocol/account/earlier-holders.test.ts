/**
 * Prosody keeps one `session.push_identifier` per session and `push_enable` sets only the enabling
 * session's: when two resources enable the same jid and node, the first keeps holding it, and
 * mod_cloud_notify's MAM hook ("only notify nodes with no active sessions") still counts the
 * registration as held by a live session. Found by the differential run against Prosody 0.12:
 * `A1 enable N2; A2 enable N2; A2 disconnect; A2 connect; A2 enable N1; B → A2: error` pushes
 * nothing there. Fed with the `<enable/>` iqs the playground sends and messages as parsed.
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { pushIdentifierHolders } from "../policy/common";
import type { IqType, PolicyName, SessionSnapshot } from "../policy/types";
import { routeMessage } from "../routing";
import { messageSnapshot } from "../stanzas/message";
import { parseXml } from "../stanzas/parse";
import { buildDisable, buildEnable, parseDisable, parseEnable } from "../stanzas/push";
import { available, hibernated } from "../test-support/policy-fixtures";
import { decideMessage } from "./counters";
import { disable, enable } from "./registrations";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const ACCOUNT = "alice@localhost";
const SINK = "pushsvc@localhost/sink";

/** The account after `session` (id `sess-<resource>`, as the fixtures name them) sends `<enable node=…/>`. */
function enabledBy(state: AccountState, policy: PolicyName, resource: string, node: string, sessionId = `sess-${resource}`): AccountState {
  const iq: Element = buildEnable({ jid: SINK, node });
  const parsed = parseEnable(iq);
  if (!parsed) throw new Error("not an enable");
  const result = enable(state, POLICIES[policy], {
    request: { iqType: iq.attrs.type as IqType, jid: parsed.jid, node: parsed.node, away: parsed.away, senderFullJid: `${ACCOUNT}/${resource}` },
    publishOptions: parsed.publishOptions,
    sessionId,
    resource,
  });
  if (result.refused) throw new Error(`refused: ${result.refused.condition}`);
  return result.state;
}

function disabledBy(state: AccountState, policy: PolicyName, node: string): AccountState {
  const iq: Element = buildDisable({ jid: SINK, node });
  const parsed = parseDisable(iq);
  if (!parsed) throw new Error("not a disable");
  return disable(state, POLICIES[policy], { iqType: "set", jid: parsed.jid, node: parsed.node }).state;
}

const holders = (state: AccountState) =>
  state.registrations.map((r) => [r.node, r.enabledByResource, pushIdentifierHolders(r, state.registrations)]);

/** Who a message from bob is pushed to, decided as the server decides it. */
function pushedFor(state: AccountState, policy: PolicyName, sessions: SessionSnapshot[], stanza: string): string[] {
  const message = { ...messageSnapshot(parseXml(stanza), { ownDomain: "localhost" }), from: "bob@localhost/pc" };
  const delivery = routeMessage(sessions, message, POLICIES[policy].bareJidDelivery);
  const { decision } = decideMessage(state, POLICIES[policy], { account: ACCOUNT, sessions, message, delivery, options: { awayShows: ["away", "xa"], includeBody: true } });
  return decision.verdicts.filter((v) => v.push).map((v) => v.key.node);
}

describe("an earlier enabler keeps its push identifier (prosody)", () => {
  it("a second enable of the same node leaves the first session holding it", () => {
    const state = enabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N2"), "prosody", "A2", "N2");
    expect(state.registrations).toHaveLength(1);
    expect(state.registrations[0]).toMatchObject({ node: "N2", enabledBySessionId: "sess-A2", earlierHolders: ["sess-A1"] });
    expect(holders(state)).toEqual([["N2", "A2", ["sess-A2", "sess-A1"]]]);
  });

  it("the earlier session lets go once it enables another node (its push_identifier is replaced)", () => {
    let state = enabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N2"), "prosody", "A2", "N2");
    state = enabledBy(state, "prosody", "A1", "N1");
    expect(holders(state)).toEqual([
      ["N2", "A2", ["sess-A2"]],
      ["N1", "A1", ["sess-A1"]],
    ]);
    expect(state.registrations[0]?.earlierHolders).toBeUndefined();
  });

  it("a session that had moved on to another node before holds nothing of the one re-enabled", () => {
    let state = enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N2");
    state = enabledBy(state, "prosody", "A1", "N1");
    state = enabledBy(state, "prosody", "A2", "N2");
    expect(holders(state)).toEqual([
      ["N1", "A1", ["sess-A1"]],
      ["N2", "A2", ["sess-A2"]],
    ]);
  });

  it("a disable removes the registration with every holder", () => {
    const state = disabledBy(enabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N2"), "prosody", "A2", "N2"), "prosody", "N2");
    expect(state.registrations).toEqual([]);
  });

  it.each<PolicyName>(["spec", "tigase", "ejabberd"])("%s: the latest enabler alone holds it", (policy) => {
    const state = enabledBy(enabledBy(EMPTY_ACCOUNT, policy, "A1", "N2"), policy, "A2", "N2");
    expect(state.registrations[0]?.earlierHolders).toBeUndefined();
    expect(holders(state)).toEqual([["N2", "A2", ["sess-A2"]]]);
  });
});

describe("what Prosody pushes for a registration an earlier session holds", () => {
  // A1 enable N2; A2 enable N2; A2 disconnect; A2 connect (a new session); A2 enable N1.
  let state = enabledBy(enabledBy(EMPTY_ACCOUNT, "prosody", "A1", "N2"), "prosody", "A2", "N2");
  state = enabledBy(state, "prosody", "A2", "N1", "sess-A2#2");
  const a2 = { ...available("A2"), sessionId: "sess-A2#2" };

  it("the differential run's sequence: an error message with a body to A2 pushes nothing (A1 still holds N2)", () => {
    const error = `<message xmlns="jabber:client" type="error" to="${ACCOUNT}/A2" id="e"><body>oops</body></message>`;
    expect(pushedFor(state, "prosody", [available("A1"), a2], error)).toEqual([]);
    const decision = decideMessage(state, POLICIES.prosody, {
      account: ACCOUNT,
      sessions: [available("A1"), a2],
      message: { ...messageSnapshot(parseXml(error), { ownDomain: "localhost" }), from: "bob@localhost/pc" },
      delivery: { deliveredTo: ["A2"], storedOffline: false },
      options: { awayShows: ["away", "xa"], includeBody: true },
    }).decision;
    expect(decision.verdicts.find((v) => v.key.node === "N2")?.why).toMatch(/enabled it earlier still holds its push identifier/);
  });

  it("once A1 is gone too, the MAM hook pushes N2", () => {
    const chat = `<message xmlns="jabber:client" type="chat" to="${ACCOUNT}/A2" id="c"><body>hi</body></message>`;
    expect(pushedFor(state, "prosody", [a2], chat)).toEqual(["N2"]);
  });

  it("a hibernated earlier holder pushes N2 for a message queued to it, and at hibernation", () => {
    const sessions = [hibernated("A1"), a2];
    const chat = `<message xmlns="jabber:client" type="chat" to="${ACCOUNT}/A1" id="c"><body>hi</body></message>`;
    expect(pushedFor(state, "prosody", sessions, chat)).toEqual(["N2"]);
    const hibernation = POLICIES.prosody.onHibernation?.({
      account: ACCOUNT,
      sessions,
      registrations: [...state.registrations],
      sessionId: "sess-A1",
      queued: [{ name: "presence" }],
      options: { awayShows: ["away", "xa"], includeBody: true },
    });
    expect(hibernation?.pushes.map((p) => p.key.node)).toEqual(["N2"]);
  });

  it("pushed through the hibernated earlier holder's queue while its latest enabler is connected (differential run, seed 7 #233)", () => {
    // A2 (XEP-0198) enable N1; A2 drop socket; A1 connect; A1 enable N1; A1 disable N2; B → A2: chat.
    let n1 = enabledBy(EMPTY_ACCOUNT, "prosody", "A2", "N1");
    n1 = disabledBy(enabledBy(n1, "prosody", "A1", "N1"), "prosody", "N2");
    const chat = `<message xmlns="jabber:client" type="chat" to="${ACCOUNT}/A2" id="c"><body>hi</body></message>`;
    expect(pushedFor(n1, "prosody", [hibernated("A2"), available("A1")], chat)).toEqual(["N1"]);
    const toA1 = `<message xmlns="jabber:client" type="chat" to="${ACCOUNT}/A1" id="c"><body>hi</body></message>`;
    expect(pushedFor(n1, "prosody", [hibernated("A2"), available("A1")], toA1)).toEqual([]);
  });
});
