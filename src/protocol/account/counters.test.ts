/**
 * The account's counters and the message decision over them, fed with messages as a server reads
 * them from real stanzas, and the replay of an operation list.
 */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { DEFAULT_POLICY_OPTIONS, type SessionSnapshot, type Show } from "../policy/types";
import { routeMessage } from "../routing";
import { buildChatMessage, messageSnapshot } from "../stanzas/message";
import { accountOnline, decideMessage, observeSessions, offlineDelivered, storedOffline } from "./counters";
import { replay, type AccountOperation } from "./replay";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

const ACCOUNT = "alice@localhost";
const SINK = "pushsvc@localhost/sink";
const BOB = "bob@localhost/laptop";

const message = (body: string) => ({ ...messageSnapshot(buildChatMessage({ to: ACCOUNT, type: "chat", body, id: `m-${body}` }), { ownDomain: "localhost" }), from: BOB });
const session = (resource: string, show: Show | null): SessionSnapshot => ({
  sessionId: `c2s-${resource}`,
  resource,
  state: "connected",
  presence: { show, priority: 0 },
  presenceCount: 1,
});

const enableN1: AccountOperation = {
  op: "enable",
  request: { iqType: "set", jid: SINK, node: "n-1", away: "true", senderFullJid: `${ACCOUNT}/phone` },
  publishOptions: null,
  sessionId: "c2s-phone",
  resource: "phone",
};

/** A message to the account while `sessions` are bound, stored offline when nobody receives it. */
function arrive(state: AccountState, policy: keyof typeof POLICIES, body: string, sessions: SessionSnapshot[] = []) {
  const m = message(body);
  const delivery = routeMessage(sessions, m, POLICIES[policy].bareJidDelivery);
  const stored = delivery.storedOffline ? storedOffline(state) : state;
  return decideMessage(stored, POLICIES[policy], { account: ACCOUNT, sessions, message: m, delivery, options: DEFAULT_POLICY_OPTIONS });
}

describe("counters", () => {
  it("spec's message-count counts the messages pushed since the account was last online", () => {
    let state = replay(POLICIES.spec, [enableN1]).state;
    const counts: (number | undefined)[] = [];
    for (const body of ["one", "two", "three"]) {
      const result = arrive(state, "spec", body);
      counts.push(result.decision.summary.messageCount);
      state = result.state;
    }
    expect(counts).toEqual([1, 2, 3]);
    expect(state.pushedSinceOnline).toBe(3);
    // An online session receives the next one: the count starts again, and nothing is pushed.
    const online = arrive(state, "spec", "four", [session("laptop", null)]);
    expect(online.input.pushedSinceOnline).toBe(0);
    expect(online.decision.verdicts.some((v) => v.push)).toBe(false);
    expect(online.state.pushedSinceOnline).toBe(0);
  });

  it("an away session does not make the account online; a message that pushes nothing does not count", () => {
    const state = { ...replay(POLICIES.spec, [enableN1]).state, pushedSinceOnline: 2 };
    const away = arrive(state, "spec", "hi", [session("laptop", "away")]);
    expect(away.input.pushedSinceOnline).toBe(2);
    expect(away.decision.summary.messageCount).toBe(3);
    expect(away.state.pushedSinceOnline).toBe(3);
    const noRegistration = arrive({ ...EMPTY_ACCOUNT, pushedSinceOnline: 2 }, "spec", "hi");
    expect(noRegistration.state.pushedSinceOnline).toBe(2);
  });

  it("Tigase's message-count is the offline storage, this message included, emptied for a receiving session", () => {
    let state = replay(POLICIES.tigase, [enableN1]).state;
    state = arrive(state, "tigase", "one").state;
    const second = arrive(state, "tigase", "two");
    expect(second.input.offlineCount).toBe(2);
    expect(second.decision.summary.messageCount).toBe(2);
    // A receiving (even away) session has been handed the storage.
    expect(observeSessions(second.state, [session("phone", "away")], DEFAULT_POLICY_OPTIONS).offlineCount).toBe(0);
    expect(offlineDelivered(second.state).offlineCount).toBe(0);
  });

  it("offline storage keeps at most its cap", () => {
    const full = [1, 2, 3, 4].reduce((s) => storedOffline(s, 3), EMPTY_ACCOUNT);
    expect(full.offlineCount).toBe(3);
  });

  it("the decision input carries the account's registrations as they are", () => {
    const state = replay(POLICIES.prosody, [enableN1]).state;
    const result = arrive(state, "prosody", "hi");
    expect(result.input.registrations).toEqual(state.registrations);
    expect(result.input.registrations).not.toBe(state.registrations);
    expect(accountOnline(result.state).pushedSinceOnline).toBe(0);
  });
});

describe("replay", () => {
  it("applies an account's history in order and reports what each operation did", () => {
    const enableN = (node: string): AccountOperation => ({ ...enableN1, request: { ...enableN1.request, node } }) as AccountOperation;
    const history: AccountOperation[] = [
      ...["n-1", "n-2", "n-3", "n-4", "n-5", "n-6"].map(enableN),
      { op: "disable", iqType: "set", jid: SINK, node: "n-3" },
      { op: "app-server-answer", key: { jid: SINK, node: "n-4" }, outcome: { kind: "error", type: "cancel", condition: "item-not-found" } },
      { op: "remote-disable", key: { jid: SINK, node: "n-5" } },
      { op: "stored-offline" },
      { op: "message-pushed" },
    ];
    const prosody = replay(POLICIES.prosody, history);
    expect(prosody.state.registrations.map((r) => [r.node, r.errorCount])).toEqual([["n-2", 0], ["n-4", 1], ["n-5", 0], ["n-6", 0]]);
    expect(prosody.results[5]).toMatchObject({ op: "enable", evicted: [{ node: "n-1" }] });
    expect(prosody.results[8]).toMatchObject({ op: "remote-disable", honoured: false });
    expect(prosody.state).toMatchObject({ offlineCount: 1, pushedSinceOnline: 1 });
    const spec = replay(POLICIES.spec, history);
    expect(spec.state.registrations.map((r) => r.node)).toEqual(["n-1", "n-2", "n-6"]);
  });
});
