/**
 * The linker: the sent-message index, the heuristic push→message link, and the exact link from the
 * server log (unit, then against the reference server).
 */
import { describe, expect, it, vi } from "vitest";
import type { MessageDecisionEntry } from "../../protocol/push-log";
import { buildChatMessage } from "../../protocol/stanzas/message";
import type { MessageSentEvent, PushEvent } from "../model";
import { SINK_LANE } from "../model";
import { createTestContext } from "../test-support/service-context";
import { referenceServerPerFile } from "../test-support/reference-server";
import { createLinker, HEURISTIC_WINDOW_MS } from "./linker";

const server = referenceServerPerFile();

function setUp() {
  const ctx = createTestContext();
  const pushLinked = vi.fn();
  const linker = createLinker(ctx, { pushLinked });
  const sendAt = (id: string, body: string | undefined, at: number, to = "alice@localhost") => {
    ctx.at(at);
    const eventId = ctx.recorder.record({ kind: "message-sent", lane: "sender", summary: id, messageId: id, from: "bob@localhost/x", to, sendKind: "chat", messageType: "chat", ...(body !== undefined ? { body } : {}), receivedBy: [], pushEventIds: [] });
    linker.rememberSent(buildChatMessage({ to, type: "chat", body, id }), eventId, to, body, at);
    return eventId;
  };
  const pushAt = (iqId: string, at: number, lastBody?: string) => {
    const link = linker.heuristicLink("alice@localhost", lastBody, at);
    const eventId = ctx.recorder.record({ kind: "push", lane: SINK_LANE, at, summary: iqId, iqId, from: "localhost", node: "n", notification: null, publishOptions: null, answer: { kind: "result" } });
    linker.pushRecorded(eventId, iqId, at, link);
    return { eventId, link };
  };
  return { ctx, linker, pushLinked, sendAt, pushAt };
}

const sentEvents = (ctx: ReturnType<typeof createTestContext>) => ctx.events().filter((e): e is MessageSentEvent => e.kind === "message-sent");

describe("linker (unit)", () => {
  it("links by body first, else to the latest message within the window, else not at all", () => {
    const { ctx, sendAt, pushAt } = setUp();
    const a = sendAt("m1", "first", 1000);
    sendAt("m2", "second", 2000);
    expect(pushAt("p1", 3000, "first").link).toMatchObject({ record: { eventId: a }, detail: expect.stringMatching(/body equals last-message-body/) });
    expect(pushAt("p2", 3000).link?.record.messageId).toBe("m2");
    expect(pushAt("p3", 2000 + HEURISTIC_WINDOW_MS + 1).link).toBeNull();
    expect(sentEvents(ctx).find((e) => e.messageId === "m1")?.pushEventIds).toHaveLength(1);
  });

  it("finds the body among thousands sent, the newest before the push, and forgets what the index drops", () => {
    const { sendAt, pushAt } = setUp();
    for (let i = 0; i < 6_000; i++) sendAt(`m${i}`, `body ${i % 3_000}`, 1000 + i);
    // "body 7" was sent as m7 (dropped from the 5,000 kept) and m3007: the newest before the push.
    expect(pushAt("p1", 10_000, "body 7").link?.record.messageId).toBe("m3007");
    // A push before m3007 was sent: no body match kept (m7 was dropped), so the latest message then.
    expect(pushAt("p2", 1000 + 3006, "body 7").link).toMatchObject({ record: { messageId: "m3006" }, detail: expect.stringMatching(/no body match/) });
    // Another recipient's message with the same body is not a match.
    sendAt("x1", "only bob", 14_000, "bob@localhost");
    expect(pushAt("p3", 14_001, "only bob").link?.record.messageId).toBe("m5999");
  });

  it("records each receiving lane once", () => {
    const { ctx, linker, sendAt } = setUp();
    sendAt("m1", "x", 1000);
    const rec = linker.sentByMessageId("m1")!;
    linker.noteReceived(rec, "res-1");
    linker.noteReceived(rec, "res-1");
    linker.noteReceived(rec, "res-2");
    expect(sentEvents(ctx)[0]!.receivedBy).toEqual(["res-1", "res-2"]);
  });

  it("replaces a heuristic link with the server log's, moving the push between messages", () => {
    const { ctx, linker, pushLinked, sendAt, pushAt } = setUp();
    sendAt("m1", "same", 1000);
    sendAt("m2", "same", 1500);
    const push = pushAt("p1", 2000, "same");
    expect(push.link?.record.messageId).toBe("m2");
    linker.noteDecision({ seq: 7, kind: "message-decision", messageId: "m1", decision: { rule: "spec/offline", reason: "all offline", verdicts: [] } } as unknown as MessageDecisionEntry);
    expect(linker.resolvePendingLinks()).toBe(true); // the publish entry has not come yet
    linker.notePublish("p1", 7);
    expect(linker.resolvePendingLinks()).toBe(false);
    const [m1, m2] = sentEvents(ctx);
    expect(m1!.pushEventIds).toEqual([push.eventId]);
    expect(m2!.pushEventIds).toEqual([]);
    const recorded = ctx.events().find((e): e is PushEvent => e.kind === "push")!;
    expect(recorded).toMatchObject({ causeMessageId: "m1", causeEventId: m1!.id, linkMethod: "server log", linkDetail: "spec/offline: all offline" });
    expect(pushLinked).toHaveBeenCalledWith(push.eventId, "m1", "server log");
  });
});

describe("linker and predicted presence pushes", () => {
  it("moves a push guessed to be a message's onto the presence the policies predicted it for", () => {
    const { ctx, linker, pushLinked, sendAt, pushAt } = setUp();
    sendAt("m1", "hi", 1000);
    const push = pushAt("p1", 1500);
    expect(push.link?.record.messageId).toBe("m1");
    linker.linkPredicted(push.eventId, { eventId: "presence-1", policies: ["ejabberd"], detail: "predicted: pushed because the presence of laptop was queued to hibernated phone" });
    ctx.recorder.flush();
    const event = ctx.events().find((e): e is PushEvent => e.id === push.eventId)!;
    expect(event).toMatchObject({ causeEventId: "presence-1", linkMethod: "prediction", linkDetail: expect.stringMatching(/^predicted: /) });
    expect(event.causeMessageId).toBeUndefined();
    expect(sentEvents(ctx)[0]!.pushEventIds).toEqual([]);
    expect(pushLinked).toHaveBeenLastCalledWith(push.eventId, null, "prediction");
  });

  it("leaves a push the server log linked as it is", () => {
    const { ctx, linker, pushLinked, sendAt, pushAt } = setUp();
    sendAt("m1", "hi", 1000);
    const push = pushAt("p1", 1500);
    linker.noteDecision({ seq: 3, kind: "message-decision", messageId: "m1", decision: { rule: "spec/offline", reason: "all offline", verdicts: [] } } as unknown as MessageDecisionEntry);
    linker.notePublish("p1", 3);
    pushLinked.mockClear();
    linker.linkPredicted(push.eventId, { eventId: "presence-1", policies: ["prosody"], detail: "predicted: …" });
    ctx.recorder.flush();
    expect(ctx.events().find((e): e is PushEvent => e.id === push.eventId)).toMatchObject({ linkMethod: "server log", causeMessageId: "m1" });
    expect(pushLinked).not.toHaveBeenCalled();
  });
});

describe("linker and test pushes", () => {
  it("a test push's publish is linked to no message, even when a heuristic guessed one", () => {
    const { ctx, linker, sendAt, pushAt } = setUp();
    sendAt("m1", "hello", 1000);
    const push = pushAt("p1", 1500);
    expect(push.link?.record.messageId).toBe("m1");
    linker.noteTestPush(9);
    linker.notePublish("p1", 9);
    expect(linker.resolvePendingLinks()).toBe(false);
    expect(sentEvents(ctx)[0]!.pushEventIds).toEqual([]);
    const recorded = ctx.events().find((e): e is PushEvent => e.kind === "push")!;
    expect(recorded.causeEventId).toBeUndefined();
    expect(recorded.linkDetail).toBe("a test push requested from the playground (server log #9), caused by no message");
  });
});

describe("linker against the reference server", () => {
  it("links the push to the message that caused it (away path), and pushes nothing when r1 is available", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect();
    const sessions = pg.stores.sessions.getState();
    const [r1, r2] = d.resources();
    expect(r1 && r2).toBeTruthy();
    for (const v of Object.values(sessions.sessions)) expect(v.status, v.label).toBe("online");
    // presenceOnConnect defaults to available: both resources receive and are online.
    expect(pg.stores.sessions.getState().sessions[r1!.id]).toMatchObject({ receiving: true, online: true, away: false });

    const disco = await pg.disco("account", r1!.id);
    expect(disco.ok && disco.value.supportsPush && disco.value.supportsAway).toBe(true);

    await d.enable({ from: "r2", away: true, publishOptions: [{ var: "secret", value: "s3cr3t" }] });
    expect(d.lastOperation?.outcome).toBe("result");
    const reg = pg.stores.registrations.getState().registrations[0]!;
    expect(reg).toMatchObject({ jid: pg.sinkJid(), away: true, state: "active", enabledByResource: "r2" });

    await d.presence("r1", "away");
    expect(pg.stores.sessions.getState().sessions[r1!.id]).toMatchObject({ receiving: true, online: false, away: true });
    await d.disconnect("r2");
    expect(pg.stores.sessions.getState().sessions[r2!.id]!.status).toBe("offline");

    await d.send("where are you?").expectPush((p) => p.linkMethod === "server log", "a push linked through the server log");
    const messageId = d.lastSent[0]!;
    const push = d.lastPush!;
    expect(push).toMatchObject({
      lane: SINK_LANE,
      node: reg.node,
      causeMessageId: messageId,
      answer: { kind: "result" },
      notification: { lastMessageBody: "where are you?" },
    });
    expect(push.publishOptions?.fields).toContainEqual({ var: "secret", values: ["s3cr3t"] });
    expect(push.linkDetail).toMatch(/spec\//);
    const message = d.sentEvent(messageId)!;
    expect(push.causeEventId).toBe(message.id);
    expect(message.pushEventIds).toEqual([push.id]);
    await d.waitFor(() => d.events().some((e) => e.kind === "sink-answer" && e.iqId === push.iqId), "the sink's answer");
    // r1 (away) still received the message; r2 is gone.
    const withReceipt = await d.waitFor(() => {
      const m = d.sentEvent(messageId);
      return m && m.receivedBy.length > 0 ? m : null;
    }, "the receipt by r1");
    expect(withReceipt.receivedBy).toEqual([r1!.id]);
    expect(d.events().some((e) => e.kind === "decision" && e.messageId === messageId)).toBe(true);
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 1, answeredResult: 1 });
    expect(pg.stores.registrations.getState().registrations[0]!.pushCount).toBe(1);

    // r1 available again: no push for the next message.
    await d.presence("r1", "available").send("back?");
    const secondId = d.lastSent[0]!;
    await d.waitFor(() => d.events().some((e) => e.kind === "decision" && e.messageId === secondId), "the server's decision on the second message");
    await new Promise((r) => setTimeout(r, 300));
    await pg.syncServerLog();
    expect(d.pushes()).toHaveLength(1);
    const decision = d.events().find((e) => e.kind === "decision" && e.messageId === secondId);
    expect(decision?.summary).toContain("no push");
  });

  it("links pushes heuristically by body when the server log is not used; bursts push once per message", async () => {
    const d = server.driver({ useServerLog: false });
    await d.connect().enable({ from: "r1", away: false, node: "burst-node" });
    expect(d.lastOperation?.outcome).toBe("result");
    await d.disconnect("r1", "r2").send({ to: "bare", kind: "chat", body: "burst", count: 3 });
    expect(d.lastSent).toHaveLength(3);
    const pushes = await d.waitFor(() => (d.pushes().length === 3 ? d.pushes() : null), "three pushes");
    const messages = d.events().filter((e): e is MessageSentEvent => e.kind === "message-sent");
    expect(messages.map((m) => m.body)).toEqual(["burst (1/3)", "burst (2/3)", "burst (3/3)"]);
    for (const [i, push] of pushes.entries()) {
      expect(push).toMatchObject({ node: "burst-node", linkMethod: "heuristic", causeMessageId: messages[i]!.messageId, causeEventId: messages[i]!.id });
      expect(push.linkDetail).toMatch(/body equals last-message-body/);
      expect(push.notification?.messageCount).toBe(i + 1);
    }
    expect(d.events().filter((e) => e.kind === "decision")).toEqual([]);
  });
});
