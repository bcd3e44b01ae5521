import { describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import { DEFAULT_POLICY_OPTIONS, type DecisionInput, type PolicyName, type RegistrationSnapshot, type SessionSnapshot } from "../../protocol/policy/types";
import type { MessageDecisionEntry } from "../../protocol/push-log";
import { routeMessage } from "../../protocol/routing";
import { ACCOUNT, BOB, chatTo, connections, reg, resource, SINK } from "../test-support/expectation-fixtures";
import { messageSnapshotOf, predict, sessionSnapshots, ZERO_COUNTERS, type Prediction } from "./predict";
import { checkServerDecision, inputDifferences } from "./server-check";

const message = messageSnapshotOf(chatTo(ACCOUNT, "where are you?", "m-1"), { from: BOB, domain: "localhost" });

/** What the playground predicts: laptop away, phone (which enabled n-1 with away=true) gone. */
function playgroundPrediction(): Prediction {
  const views = [resource("phone", "offline"), resource("laptop", "away")];
  return predict({
    account: ACCOUNT,
    sessions: sessionSnapshots(views, connections(views)),
    registrations: [reg("n-1", { away: true, by: "phone" })],
    message,
    options: DEFAULT_POLICY_OPTIONS,
    serverPolicy: null,
    counters: ZERO_COUNTERS,
  });
}

/** The server's record, decided on the server's own snapshot (its own session ids). */
function serverEntry(policy: PolicyName, sessions: SessionSnapshot[], registrations: RegistrationSnapshot[], tamper?: (d: ReturnType<typeof POLICIES.spec.decide>) => void): MessageDecisionEntry {
  const delivery = routeMessage(sessions, message, POLICIES[policy].bareJidDelivery);
  const input: DecisionInput = { account: ACCOUNT, sessions, registrations, message, delivery, options: DEFAULT_POLICY_OPTIONS, pushedSinceOnline: 0, offlineCount: 0 };
  const decision = POLICIES[policy].decide(input);
  tamper?.(decision);
  return { kind: "message-decision", seq: 42, at: new Date(0).toISOString(), host: "localhost", policy, account: ACCOUNT, messageId: "m-1", from: BOB, to: ACCOUNT, sessions, registrations, delivery, decision };
}

const serverLaptop: SessionSnapshot = { sessionId: "c2s-7", resource: "laptop", state: "connected", presence: { show: "away", priority: 0 }, presenceCount: 1 };
const serverReg: RegistrationSnapshot = { jid: SINK, node: "n-1", away: true, enabledBySessionId: "c2s-3", enabledByResource: "phone", publishOptions: null, errorCount: 0 };

function check(entry: MessageDecisionEntry) {
  const p = playgroundPrediction();
  const prediction = p.predictions[entry.policy];
  return checkServerDecision(entry, prediction, { sessions: p.sessions, registrations: prediction.registrations, delivery: p.delivery }, p.message, DEFAULT_POLICY_OPTIONS);
}

describe("checkServerDecision", () => {
  it("agrees when the server decided the same on the same situation (its session ids differ)", () => {
    for (const policy of ["spec", "prosody"] as const) {
      const result = check(serverEntry(policy, [serverLaptop], [serverReg]));
      expect(result, policy).toMatchObject({ agrees: true, replayMatches: true, differences: [], policy, seq: 42 });
      expect(result.pushed.map((k) => k.node)).toEqual(["n-1"]);
    }
  });

  it("explains a disagreement by the inputs when the server's record follows from what it saw", () => {
    const online: SessionSnapshot = { sessionId: "c2s-9", resource: "tablet", state: "connected", presence: { show: null, priority: 0 }, presenceCount: 1 };
    const result = check(serverEntry("spec", [serverLaptop, online], [serverReg]));
    expect(result.agrees).toBe(false);
    expect(result.replayMatches).toBe(true);
    expect(result.differences).toEqual([
      "the server decided by rule spec/online-session, the prediction by spec/all-away",
      "the server pushed none, the prediction expected n-1",
      "the server held a session tablet (available) that the playground did not count as connected",
      "the server delivered to laptop, tablet, the playground expected laptop",
    ]);
  });

  it("flags a record that does not follow from the server's own inputs", () => {
    const result = check(serverEntry("spec", [serverLaptop], [serverReg], (d) => {
      d.rule = "spec/online-session";
      d.verdicts = d.verdicts.map((v) => ({ ...v, push: false }));
    }));
    expect(result.agrees).toBe(false);
    expect(result.replayMatches).toBe(false);
    expect(result.differences.at(-1)).toBe(
      "the shared spec function, run on the server's own inputs with the playground's options (away shows: away, xa), decides spec/all-away pushing n-1: either the server runs other options or its record does not follow from its inputs (a bug)",
    );
  });
});

describe("inputDifferences", () => {
  it("names registrations, away flags and enabling sessions that differ", () => {
    const ours = { sessions: [serverLaptop], registrations: [serverReg], delivery: { deliveredTo: ["laptop"], storedOffline: false } };
    const theirs = {
      sessions: [serverLaptop, { ...serverLaptop, sessionId: "c2s-3", resource: "phone", presence: null, presenceCount: 0 }],
      registrations: [{ ...serverReg, away: false }, { ...serverReg, node: "n-old", enabledByResource: "tablet" }],
      delivery: { deliveredTo: ["laptop"], storedOffline: false },
    };
    expect(inputDifferences(theirs, ours)).toEqual([
      "the server held a session phone (no presence yet) that the playground did not count as connected",
      "n-1: away=false for the server, away=true for the playground",
      "n-1: its enabling session (phone) was connected for the server but gone for the playground",
      "the server held registration n-old (enabled by tablet) that the playground did not count in force",
    ]);
  });
});
