/** The server's push log as timeline decisions, and what session entries do to the cards. */
import { describe, expect, it, vi } from "vitest";
import type { MessageDecisionEntry, PushLogEntry, SessionStateEntry } from "../../protocol/push-log";
import { SERVER_LANE } from "../model";
import { createTestContext } from "../test-support/service-context";
import { createLaneRegistry } from "./lane-registry";
import { createLogEntryHandler, sessionEntryWords } from "./log-entries";

const base = { at: "2026-01-01T00:00:00.000Z", host: "localhost", policy: "spec", account: "alice@localhost" } as const;

function entry<E extends PushLogEntry>(fields: Partial<E> & Pick<E, "kind" | "seq">): E {
  return { ...base, ...fields } as unknown as E;
}

function setUp() {
  const ctx = createTestContext();
  const registry = createLaneRegistry(ctx, { awayShows: ["away", "xa"] });
  const linker = { noteDecision: vi.fn(), notePublish: vi.fn(), noteTestPush: vi.fn(), noteSessionEntry: vi.fn() };
  const handle = createLogEntryHandler(ctx, { linker, registry, accountBare: () => "alice@localhost" });
  return { ctx, registry, linker, handle };
}

describe("log entries", () => {
  it("records a message decision on the server lane and tells the linker", () => {
    const { ctx, linker, handle } = setUp();
    const decision = entry<MessageDecisionEntry>({ kind: "message-decision", seq: 3, messageId: "m1", decision: { rule: "spec/all-away", reason: "all away", verdicts: [{ push: true }] } as unknown as MessageDecisionEntry["decision"] });
    handle(decision);
    expect(linker.noteDecision).toHaveBeenCalledWith(decision);
    expect(ctx.events()).toEqual([
      expect.objectContaining({ kind: "decision", lane: SERVER_LANE, seq: 3, logKind: "message-decision", rule: "spec/all-away", messageId: "m1", summary: "spec: push to 1 registration for message m1: all away" }),
    ]);
  });

  it("passes publishes to the linker without a timeline event, and skips enable/disable", () => {
    const { ctx, linker, handle } = setUp();
    handle(entry({ kind: "publish", seq: 4, iqId: "iq1", causeSeq: 3 }));
    handle(entry({ kind: "enable", seq: 5 }));
    expect(linker.notePublish).toHaveBeenCalledWith("iq1", 3);
    expect(ctx.events()).toEqual([]);
  });

  it("marks the registration a server removed", () => {
    const { ctx, handle } = setUp();
    ctx.stores.registrations.getState().upsert({ jid: "pushsvc@localhost/sink", node: "n1", away: false, publishOptions: null, enabledBySessionId: "res-1", enabledByResource: "r1", enabledAt: 0, state: "active", pushCount: 0 });
    handle(entry({ kind: "registration-removed", seq: 6, key: { jid: "pushsvc@localhost/sink", node: "n1" }, why: "App Server error" }));
    expect(ctx.stores.registrations.getState().registrations[0]).toMatchObject({ state: "removed-by-server" });
    expect(ctx.events()[0]!.summary).toBe("spec: registration pushsvc@localhost/sink / n1 removed: App Server error");
  });

  it("keeps the App Server answers the log reports and the answer that caused a removal (registration health)", () => {
    const { ctx, handle } = setUp();
    const key = { jid: "pushsvc@localhost/sink", node: "n1" };
    const regs = () => ctx.stores.registrations.getState();
    regs().upsert({ ...key, away: false, publishOptions: null, enabledBySessionId: "res-1", enabledByResource: "r1", enabledAt: 0, state: "active", pushCount: 0 });
    const outcome = { kind: "error", type: "cancel", condition: "item-not-found" } as const;
    const reaction = { action: "remove", errorCount: 1, why: "first non-wait error" } as const;
    handle(entry({ kind: "publish-outcome", seq: 7, key, iqId: "p1", outcome, reaction, policy: "ejabberd" }));
    handle(entry({ kind: "registration-removed", seq: 8, key, why: "App Server answered publish p1 with error cancel/item-not-found", policy: "ejabberd" }));
    const at = Date.parse(base.at);
    expect(regs().answers["pushsvc@localhost/sink\u0000n1"]).toEqual([{ at, outcome, reaction }]);
    expect(regs().removals["pushsvc@localhost/sink\u0000n1"]).toEqual({ at, why: "App Server answered publish p1 with error cancel/item-not-found", cause: outcome });
    // A new enable of the same key starts its health afresh.
    regs().upsert({ ...key, away: false, publishOptions: null, enabledBySessionId: "res-1", enabledByResource: "r1", enabledAt: 1, state: "active", pushCount: 0 });
    expect(regs().answers).toEqual({});
    expect(regs().removals).toEqual({});
  });

  it("turns a hibernated card into expired when the server expires the session", () => {
    const { ctx, registry, linker, handle } = setUp();
    const r1 = registry.addResource("r1");
    if (!r1.ok) throw new Error("no r1");
    registry.patchView(r1.value, { sm: { state: "hibernated", enabled: true, resumable: true, id: "sm1", max: 3, since: 0 } });
    const expired = entry<SessionStateEntry>({ kind: "session-expired", seq: 9, resource: "r1", unacked: 1, why: "resumption window over" });
    handle(expired);
    expect(linker.noteSessionEntry).toHaveBeenCalledWith(expired, expect.any(String));
    expect(registry.view(r1.value)!.sm).toMatchObject({ state: "expired", note: "resumption window over" });
    const events = ctx.events();
    expect(events.map((e) => e.kind)).toEqual(["decision", "connection"]);
    expect(events[1]!.summary).toContain("resuming it now fails (item-not-found)");
  });

  it("words session entries", () => {
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-hibernated", seq: 1, resource: "r1", unacked: 2, resumptionTimeoutMs: 3000 }))).toBe("alice@localhost/r1 hibernated (2 unacknowledged stanzas, resumable for 3 s)");
    // Issue 13: a push-enabled session on Prosody's and ejabberd's hosts, and the timer entries.
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-hibernated", seq: 2, resource: "r1", unacked: 0, resumptionTimeoutMs: 72 * 3_600_000 }))).toBe("alice@localhost/r1 hibernated (0 unacknowledged stanzas, resumable for 72 h)");
    const push = { key: { jid: "pushsvc@localhost/sink", node: "n1" }, summary: {}, why: "pushed" };
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-ack-overdue", seq: 3, resource: "r1", unacked: 1, decision: { rule: "prosody/ack-delayed", reason: "r", pushes: [push] } }))).toBe(
      "alice@localhost/r1 left an <r/> unanswered (1 unacknowledged stanza); pushes to 1 registration",
    );
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-wake-up", seq: 4, resource: "r1", unacked: 0 }))).toBe("alice@localhost/r1 is about to time out in hibernation; no push");
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-window-restored", seq: 5, resource: "r1", unacked: 0, resumptionTimeoutMs: 60_000 }))).toBe(
      "alice@localhost/r1 stays resumable for the normal 60 s after its first important push",
    );
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-resumed", seq: 2, resource: "r1", unacked: 0, redelivered: 1, hibernatedMs: 1500 }))).toBe("alice@localhost/r1 resumed after 1.5 s, 1 stanza re-sent");
    expect(sessionEntryWords(entry<SessionStateEntry>({ kind: "session-closed", seq: 3, resource: "r1", unacked: 1 }))).toBe("alice@localhost/r1 closed with 1 unacknowledged stanza");
  });
});
