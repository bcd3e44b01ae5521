import { describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import type { AppServerOutcome } from "../../protocol/policy/types";
import type { KnownRegistration, MessageSentEvent, PushEvent, TimelineEvent } from "../model";
import {
  answerText,
  healthOfRegistration,
  messagesSentTo,
  registrationHealth,
  removalRule,
  removalThreshold,
  replayErrorCount,
  sinkAnswersFor,
  type HealthInput,
  type ObservedAnswer,
} from "./registration-health";

const NOT_FOUND: AppServerOutcome = { kind: "error", type: "cancel", condition: "item-not-found" };
const WAIT: AppServerOutcome = { kind: "error", type: "wait", condition: "resource-constraint" };
const RESULT: AppServerOutcome = { kind: "result" };

const answers = (...outcomes: AppServerOutcome[]): ObservedAnswer[] => outcomes.map((outcome, i) => ({ at: 1000 + i * 100, outcome }));

function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    policy: POLICIES.spec,
    registration: { state: "active", enabledAt: 0 },
    answers: [],
    loggedRemoval: null,
    hasServerLog: true,
    messagesSentAt: [],
    now: 100_000,
    windowMs: 5000,
    ...overrides,
  };
}

describe("removalThreshold (probed from onAppServerOutcome)", () => {
  it("is 1 for spec, tigase and ejabberd and 16 for prosody on a cancel error", () => {
    expect(removalThreshold(POLICIES.spec)).toBe(1);
    expect(removalThreshold(POLICIES.tigase)).toBe(1);
    expect(removalThreshold(POLICIES.prosody)).toBe(16);
    expect(removalThreshold(POLICIES.ejabberd)).toBe(1);
  });

  it("is never for timeouts, for wait errors except under Tigase (it judges by condition), and for the conditions Tigase keeps", () => {
    for (const policy of Object.values(POLICIES)) expect(removalThreshold(policy, { kind: "timeout" })).toBeNull();
    for (const policy of [POLICIES.spec, POLICIES.prosody, POLICIES.ejabberd]) expect(removalThreshold(policy, WAIT)).toBeNull();
    expect(removalThreshold(POLICIES.tigase, WAIT)).toBe(1);
    expect(removalThreshold(POLICIES.tigase, { kind: "error", type: "wait", condition: "internal-server-error" })).toBeNull();
    expect(removalThreshold(POLICIES.tigase, { kind: "error", type: "modify", condition: "bad-request" })).toBeNull();
    expect(removalThreshold(POLICIES.ejabberd, { kind: "error", type: "modify", condition: "bad-request" })).toBe(1);
  });
});

describe("removalRule", () => {
  it("says each policy's rule in one sentence", () => {
    expect(removalRule(POLICIES.ejabberd)).toBe("ejabberd removes on the first non-wait error");
    expect(removalRule(POLICIES.spec)).toBe("spec removes on the first non-wait error");
    expect(removalRule(POLICIES.prosody)).toBe("prosody removes at the 16th non-wait error in a row (a result resets the count)");
    expect(removalRule(POLICIES.tigase)).toBe(
      "tigase judges by condition: it removes on the first error of any other condition and keeps bad-request, internal-server-error, remote-server-timeout, service-unavailable (and timeouts)",
    );
  });
});

describe("registrationHealth", () => {
  it("counts errors against the threshold and shows the last answer", () => {
    const h = registrationHealth(input({ policy: POLICIES.prosody, answers: answers(NOT_FOUND, NOT_FOUND, WAIT) }));
    expect(h).toMatchObject({ errorCount: 2, threshold: 16, countText: "2 of 16 errors", lastAnswerText: "error wait/resource-constraint", removal: null });
  });

  it("resets the count on a result (replayed through the policy)", () => {
    expect(replayErrorCount(POLICIES.prosody, answers(NOT_FOUND, NOT_FOUND, RESULT, NOT_FOUND))).toBe(1);
    expect(registrationHealth(input({ policy: POLICIES.ejabberd })).countText).toBe("0 of 1 error");
  });

  it("prefers the server's own count from its log", () => {
    const logged: ObservedAnswer[] = [{ at: 1, outcome: NOT_FOUND, reaction: { action: "keep", errorCount: 7, why: "…" } }];
    expect(registrationHealth(input({ policy: POLICIES.prosody, answers: logged })).errorCount).toBe(7);
  });

  it("words a logged removal with the answer that caused it and the policy's rule", () => {
    const h = registrationHealth(
      input({
        policy: POLICIES.ejabberd,
        registration: { state: "removed-by-server", enabledAt: 0 },
        answers: answers(NOT_FOUND),
        loggedRemoval: { at: 1200, why: "App Server answered…", cause: NOT_FOUND },
      }),
    );
    expect(h.removal).toEqual({
      source: "server-log",
      at: 1200,
      cause: NOT_FOUND,
      sentence: "removed by the server after cancel/item-not-found: ejabberd removes on the first non-wait error",
    });
  });

  it("words a removal not caused by an answer (LRU) with the server's reason", () => {
    const h = registrationHealth(input({ loggedRemoval: { at: 5, why: "evicted: at most 5 registrations" } }));
    expect(h.removal).toMatchObject({ source: "server-log", cause: null, sentence: "removed by the server: evicted: at most 5 registrations" });
  });

  describe("on a real server (no log)", () => {
    const real = { hasServerLog: false, policy: POLICIES.ejabberd, answers: answers(RESULT, NOT_FOUND) };

    it("infers removal when a message sent after the error got no push, and says it is inferred", () => {
      const h = registrationHealth(input({ ...real, messagesSentAt: [500, 2000] }));
      expect(h.removal).toEqual({
        source: "inferred",
        at: 1100,
        cause: NOT_FOUND,
        sentence: "inferred: no push for the message sent since the App Server answered cancel/item-not-found, so the server probably removed it (ejabberd removes on the first non-wait error)",
      });
    });

    it("says when the policy judged under would have kept it", () => {
      const h = registrationHealth(input({ ...real, policy: POLICIES.prosody, messagesSentAt: [2000, 3000] }));
      expect(h.removal?.sentence).toContain("no push for 2 messages sent since");
      expect(h.removal?.sentence).toContain("prosody would keep it (1 of 16 errors), so the server behaves otherwise");
    });

    it("infers nothing while the wait window is open, after a wait error, after a result, or with a server log", () => {
      expect(registrationHealth(input({ ...real, messagesSentAt: [99_000] })).removal).toBeNull();
      expect(registrationHealth(input({ ...real, answers: answers(WAIT), messagesSentAt: [2000] })).removal).toBeNull();
      expect(registrationHealth(input({ ...real, answers: answers(NOT_FOUND, RESULT), messagesSentAt: [2000] })).removal).toBeNull();
      expect(registrationHealth(input({ ...real, hasServerLog: true, messagesSentAt: [2000] })).removal).toBeNull();
    });
  });
});

describe("timeline readers", () => {
  const push = (at: number, node: string, answer: AppServerOutcome | null): PushEvent =>
    ({ id: `p${at}`, kind: "push", lane: "sink", at, summary: "", iqId: `i${at}`, from: "localhost", node, notification: null, publishOptions: null, answer }) as PushEvent;
  const sent = (at: number, to: string): MessageSentEvent =>
    ({ id: `m${at}`, kind: "message-sent", lane: "sender", at, summary: "", messageId: `m${at}`, from: "bob@localhost/x", to, sendKind: "chat", messageType: "chat", receivedBy: [], pushEventIds: [] }) as MessageSentEvent;

  it("reads the sink's answers for a node since the enable, and messages to the account", () => {
    const events: TimelineEvent[] = [push(1, "n1", RESULT), push(5, "n1", NOT_FOUND), push(6, "n2", RESULT), push(7, "n1", null), sent(8, "alice@localhost"), sent(9, "Alice@localhost/r1"), sent(10, "carol@localhost")];
    expect(sinkAnswersFor(events, "n1", 2)).toEqual([{ at: 5, outcome: NOT_FOUND }]);
    expect(messagesSentTo(events, "alice@localhost")).toEqual([8, 9]);
  });

  it("a real server's health follows the timeline as it grows, is patched, and is replaced", () => {
    const reg = { jid: "sink@localhost/s", node: "n1", state: "active", enabledAt: 0 } as KnownRegistration;
    const sources = (events: readonly TimelineEvent[]) => ({
      policy: POLICIES.ejabberd,
      answers: {},
      removals: {},
      hasServerLog: false,
      events,
      account: "alice@localhost",
      now: 100_000,
      windowMs: 5000,
    });
    const health = (events: readonly TimelineEvent[]) => healthOfRegistration(reg, "k", sources(events));
    let events: TimelineEvent[] = [push(1, "n1", RESULT), sent(2, "alice@localhost")];
    expect(health(events).lastAnswerText).toBe("result");
    expect(health(events).removal).toBeNull();
    // Appended: an error, then a message with no push after it.
    events = [...events, push(3, "n1", NOT_FOUND), sent(4, "alice@localhost")];
    expect(health(events).lastAnswerText).toBe("error cancel/item-not-found");
    expect(health(events).removal?.sentence).toContain("no push for the message sent since");
    // A patched event (same id, new object) changes nothing that is read.
    events = events.map((e) => (e.kind === "push" ? { ...e, summary: "linked" } : e));
    events = [...events, sent(5, "alice@localhost/r1")];
    expect(health(events).removal?.sentence).toContain("no push for 2 messages");
    // Another timeline (cleared, imported): read from its start.
    expect(health([push(9, "n1", RESULT)]).lastAnswerText).toBe("result");
    expect(health([push(9, "n1", RESULT)]).removal).toBeNull();
    expect(health([]).lastAnswerText).toBe("none yet");
  });

  it("words answers", () => {
    expect([answerText(null), answerText(RESULT), answerText({ kind: "timeout" }), answerText(NOT_FOUND)]).toEqual([
      "none yet",
      "result",
      "no answer (timeout)",
      "error cancel/item-not-found",
    ]);
  });
});
