import { describe, expect, it } from "vitest";
import { sessionKeyAfter } from "../../protocol/account";
import { resource, SINK } from "../test-support/expectation-fixtures";
import { createConnectionTracker, OUTCOMES_PER_REGISTRATION } from "./connection-tracker";
import { connectionSessionId } from "./predict";

const key = { jid: SINK, node: "n1" };

describe("connection tracker", () => {
  it("binds a registration to the enabling lane's current connection", () => {
    const tracker = createConnectionTracker();
    const view = resource("r1", "available");
    expect(tracker.generationOf(view.id)).toBeUndefined();
    tracker.connectionOnline(view.id);
    tracker.connectionOnline(view.id);
    expect(tracker.generationOf(view.id)).toBe(2);
    tracker.registrationEnabled(key, view.id, view);
    expect(tracker.trackingOf(key)).toEqual({ enabledBySessionId: connectionSessionId(view.id, view.resource, 2), remoteDisabled: false, outcomes: [] });
  });

  it("does not know the enabling session of a lane that never came online", () => {
    const tracker = createConnectionTracker();
    const view = resource("r1", "available");
    tracker.registrationEnabled(key, view.id, view);
    expect(tracker.trackingOf(key)?.enabledBySessionId).toBeNull();
  });

  it("remembers a remote disable and the sink's latest answers", () => {
    const tracker = createConnectionTracker();
    tracker.remoteDisabled(key);
    expect(tracker.trackingOf(key)).toEqual({ enabledBySessionId: null, remoteDisabled: true, outcomes: [] });
    for (let i = 0; i < OUTCOMES_PER_REGISTRATION + 3; i++) tracker.answered(key, i === 0 ? { kind: "timeout" } : { kind: "result" });
    const outcomes = tracker.trackingOf(key)?.outcomes ?? [];
    expect(outcomes).toHaveLength(OUTCOMES_PER_REGISTRATION);
    expect(outcomes.every((o) => o.kind === "result")).toBe(true);
    expect(tracker.trackingOf(key)?.remoteDisabled).toBe(true);
  });

  it("keeps the key's earlier enables, each with the disable that followed it", () => {
    const tracker = createConnectionTracker();
    const r1 = resource("r1", "available");
    const r2 = resource("r2", "available");
    tracker.connectionOnline(r1.id);
    tracker.connectionOnline(r2.id);
    tracker.registrationEnabled(key, r1.id, r1, 10);
    tracker.answered(key, { kind: "result" });
    const disabledBy = { sessionId: tracker.sessionIdOf(r2.id, r2), label: r2.label, at: 20 };
    tracker.registrationDisabled([key], disabledBy);
    tracker.registrationEnabled(key, r2.id, r2, 30);
    expect(tracker.trackingOf(key)).toEqual({
      enabledBySessionId: connectionSessionId(r2.id, "r2", 1),
      enabledByResource: "r2",
      enabledAt: 30,
      remoteDisabled: false,
      outcomes: [],
      earlier: [{ sessionId: connectionSessionId(r1.id, "r1", 1), resource: "r1", at: 10, disabledBy }],
    });
    tracker.enabledBySession(key, "srv-3", "tablet", 40);
    expect(tracker.trackingOf(key)?.earlier?.map((e) => e.resource)).toEqual(["r1", "r2"]);
    expect(tracker.trackingOf(key)?.enabledBySessionId).toBe("srv-3");
  });

  it("an enable after its session's resumptions carries the session's key then; a key the server logged wins", () => {
    const tracker = createConnectionTracker();
    const view = resource("r1", "available");
    tracker.connectionOnline(view.id);
    const sessionId = tracker.sessionIdOf(view.id, view) ?? "";
    tracker.registrationEnabled(key, view.id, view, 10);
    expect(tracker.trackingOf(key)?.enabledBySessionKey).toBeUndefined();
    tracker.sessionResumed(sessionId);
    tracker.sessionResumed(sessionId);
    tracker.registrationEnabled(key, view.id, view, 20);
    expect(tracker.trackingOf(key)).toMatchObject({ enabledBySessionId: sessionId, enabledBySessionKey: sessionKeyAfter(sessionId, 2) });
    expect(tracker.trackingOf(key)?.earlier).toEqual([{ sessionId, resource: "r1", at: 10 }]);
    tracker.enabledBySession(key, "srv-3", "tablet", 30, "srv-3~from-log");
    expect(tracker.trackingOf(key)?.enabledBySessionKey).toBe("srv-3~from-log");
    expect(tracker.trackingOf(key)?.earlier?.at(-1)).toMatchObject({ sessionId, sessionKey: sessionKeyAfter(sessionId, 2) });
    // A reconnect is a new session id, with no resumptions.
    tracker.connectionOnline(view.id);
    tracker.registrationEnabled(key, view.id, view, 40);
    expect(tracker.trackingOf(key)?.enabledBySessionKey).toBeUndefined();
  });
});
