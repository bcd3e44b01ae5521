import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../server/test-support";
import { createPlayground } from "./playground";
import type { Playground } from "./playground-api";
import type { MessageSentEvent, PushEvent, TimelineEvent } from "./model";
import { SENDER_LANE, SINK_LANE } from "./model";
import { createStores } from "./stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "./stores/profile";
import { selectResources } from "./stores/sessions";

let server: TestServer;
let playground: Playground | null = null;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(async () => {
  await playground?.dispose();
  playground = null;
});

let accountCounter = 0;
/** A playground on the test server with fresh account names, so tests do not share registrations. */
function makePlayground(overrides: { service?: string; accountPassword?: string; account?: string; useServerLog?: boolean } = {}): Playground {
  accountCounter += 1;
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  playground = createPlayground({
    stores,
    profile: {
      ...DEFAULT_PROFILE,
      service: overrides.service ?? server.url,
      account: { username: overrides.account ?? `alice${accountCounter}`, password: overrides.accountPassword ?? "pass" },
      sender: { username: `bob${accountCounter}`, password: "pass" },
      sink: { username: `pushsvc${accountCounter}`, password: "pass", resource: "sink" },
    },
    connectTimeoutMs: 5000,
    iqTimeoutMs: 3000,
    ...(overrides.useServerLog !== undefined ? { useServerLog: overrides.useServerLog } : {}),
  });
  return playground;
}

async function waitFor<T>(pg: Playground, probe: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    pg.flush();
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const events = (pg: Playground): TimelineEvent[] => pg.stores.timeline.getState().events;
const pushesOf = (pg: Playground) => events(pg).filter((e): e is PushEvent => e.kind === "push");

describe("Playground against the reference server", () => {
  it("links the push to the message that caused it (away path), and pushes nothing when r1 is available", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const sessions = pg.stores.sessions.getState();
    const [r1, r2] = selectResources(sessions);
    expect(r1 && r2).toBeTruthy();
    for (const v of Object.values(sessions.sessions)) expect(v.status, v.label).toBe("online");
    // presenceOnConnect defaults to available: both resources receive and are online.
    expect(pg.stores.sessions.getState().sessions[r1!.id]).toMatchObject({ receiving: true, online: true, away: false });

    const disco = await pg.disco("account", r1!.id);
    expect(disco.ok && disco.value.supportsPush && disco.value.supportsAway).toBe(true);

    const enabled = await pg.enable({ fromResourceId: r2!.id, away: true, publishOptions: [{ var: "secret", value: "s3cr3t" }] });
    expect(enabled.outcome).toBe("result");
    const reg = pg.stores.registrations.getState().registrations[0]!;
    expect(reg).toMatchObject({ jid: pg.sinkJid(), away: true, state: "active", enabledByResource: "r2" });

    expect((await pg.setPresence(r1!.id, { show: "away", priority: 0 })).ok).toBe(true);
    expect(pg.stores.sessions.getState().sessions[r1!.id]).toMatchObject({ receiving: true, online: false, away: true });
    await pg.disconnectResource(r2!.id);
    expect(pg.stores.sessions.getState().sessions[r2!.id]!.status).toBe("offline");

    const sent = await pg.send({ to: "bare", kind: "chat", body: "where are you?" });
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.value[0]! : "";

    const push = await waitFor(pg, () => pushesOf(pg).find((p) => p.linkMethod === "server log"), "a push linked through the server log");
    expect(push).toMatchObject({
      lane: SINK_LANE,
      node: reg.node,
      causeMessageId: messageId,
      answer: { kind: "result" },
      notification: { lastMessageBody: "where are you?" },
    });
    expect(push.publishOptions?.fields).toContainEqual({ var: "secret", values: ["s3cr3t"] });
    expect(push.linkDetail).toMatch(/spec\//);
    const message = events(pg).find((e): e is MessageSentEvent => e.kind === "message-sent" && e.messageId === messageId)!;
    expect(push.causeEventId).toBe(message.id);
    expect(message.pushEventIds).toEqual([push.id]);
    await waitFor(pg, () => events(pg).some((e) => e.kind === "sink-answer" && e.iqId === push.iqId), "the sink's answer");
    // r1 (away) still received the message; r2 is gone.
    const withReceipt = await waitFor(pg, () => {
      const m = events(pg).find((e): e is MessageSentEvent => e.kind === "message-sent" && e.messageId === messageId);
      return m && m.receivedBy.length > 0 ? m : null;
    }, "the receipt by r1");
    expect(withReceipt.receivedBy).toEqual([r1!.id]);
    expect(events(pg).some((e) => e.kind === "decision" && e.messageId === messageId)).toBe(true);
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 1, answeredResult: 1 });
    expect(pg.stores.registrations.getState().registrations[0]!.pushCount).toBe(1);

    // r1 available again: no push for the next message.
    await pg.setPresence(r1!.id, { show: "available", priority: 0 });
    const second = await pg.send({ to: "bare", kind: "chat", body: "back?" });
    const secondId = second.ok ? second.value[0]! : "";
    await waitFor(pg, () => events(pg).some((e) => e.kind === "decision" && e.messageId === secondId), "the server's decision on the second message");
    await new Promise((r) => setTimeout(r, 300));
    await pg.syncServerLog();
    expect(pushesOf(pg)).toHaveLength(1);
    const decision = events(pg).find((e) => e.kind === "decision" && e.messageId === secondId);
    expect(decision?.summary).toContain("no push");
  });

  it("answers pushes with the chosen error, and the server removes the registration", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const [r1, r2] = selectResources(pg.stores.sessions.getState());
    pg.setSinkMode({ kind: "error", type: "cancel", condition: "item-not-found" });
    const enabled = await pg.enable({ fromResourceId: r1!.id, away: false });
    expect(enabled.outcome).toBe("result");
    await pg.disconnectResource(r1!.id);
    await pg.disconnectResource(r2!.id);
    const sent = await pg.send({ to: "bare", kind: "chat", body: "offline ping" });
    expect(sent.ok).toBe(true);
    const push = await waitFor(pg, () => pushesOf(pg)[0], "a push");
    expect(push.answer).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
    const answer = await waitFor(pg, () => events(pg).find((e) => e.kind === "sink-answer"), "the sink answer");
    expect(answer.xml).toContain("item-not-found");
    await waitFor(pg, () => pg.stores.registrations.getState().registrations[0]?.state === "removed-by-server", "removal by the server", 6000);
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 1, answeredError: 1 });
  });

  it("timeout mode leaves the publish unanswered", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const [r1, r2] = selectResources(pg.stores.sessions.getState());
    pg.setSinkMode({ kind: "timeout" });
    await pg.enable({ fromResourceId: r1!.id, away: false });
    await pg.disconnectResource(r1!.id);
    await pg.disconnectResource(r2!.id);
    await pg.send({ to: "bare", kind: "chat", body: "silence" });
    const push = await waitFor(pg, () => pushesOf(pg)[0], "a push");
    expect(push.answer).toEqual({ kind: "timeout" });
    // The test server's App Server timeout is 1.5 s: its log then says what it did.
    await waitFor(pg, () => events(pg).find((e) => e.kind === "decision" && e.logKind === "publish-outcome"), "the server's timeout outcome", 6000);
    const frames = pg.stores.console.getState().frames.filter((f) => f.lane === SINK_LANE && f.direction === "out" && f.text.includes(push.iqId));
    expect(frames).toEqual([]);
  });

  it("reports bad URL, refused socket and bad password specifically", async () => {
    const bad = makePlayground({ service: "http://localhost:5280/xmpp-websocket" });
    const r = await bad.connectSender();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe("bad-url");
    expect(!r.ok && r.error.message).toContain("did you mean ws://localhost:5280/xmpp-websocket");
    bad.flush();
    expect(bad.stores.sessions.getState().sessions[SENDER_LANE]!.lastError?.code).toBe("bad-url");
    expect(events(bad).some((e) => e.kind === "connection" && e.status === "failed")).toBe(true);
    await bad.dispose();

    const port = new URL(server.url).port;
    const refused = makePlayground({ service: `ws://127.0.0.1:${Number(port) === 1 ? 2 : 1}/xmpp-websocket` });
    const r2 = await refused.connectSender();
    expect(!r2.ok && r2.error.code).toBe("socket-refused");
    await refused.dispose();

    const first = makePlayground({ account: "dave", accountPassword: "right" });
    const [d1] = selectResources(first.stores.sessions.getState());
    expect((await first.connectResource(d1!.id)).ok).toBe(true);
    await first.dispose();
    const wrong = makePlayground({ account: "dave", accountPassword: "wrong" });
    const [w1] = selectResources(wrong.stores.sessions.getState());
    const r3 = await wrong.connectResource(w1!.id);
    expect(!r3.ok && r3.error).toMatchObject({ code: "bad-credentials", message: "bad credentials for dave@localhost" });
  });

  it("validates raw XML and records raw sends; console frames carry the masked SASL auth", async () => {
    const pg = makePlayground();
    await pg.connectSender();
    const bad = await pg.sendRaw(SENDER_LANE, "<message><body>x</message>");
    expect(!bad.ok && bad.error.code).toBe("bad-xml");
    const two = await pg.sendRaw(SENDER_LANE, "<presence/><presence/>");
    expect(!two.ok && two.error.code).toBe("bad-xml");
    const good = await pg.sendRaw(SENDER_LANE, "<presence><show>away</show></presence>");
    expect(good.ok).toBe(true);
    pg.flush();
    expect(events(pg).some((e) => e.kind === "raw-send" && e.xml?.includes("<show>away</show>"))).toBe(true);
    const auth = pg.stores.console.getState().frames.find((f) => f.kind === "sasl" && f.direction === "out");
    expect(auth?.text).toMatch(/<auth [^>]*mechanism="PLAIN"[^>]*>•••<\/auth>/);
    expect(pg.stores.console.getState().sendHistory).toEqual(["<presence><show>away</show></presence>"]);
  });

  it("refuses enable and send before connecting, with specific errors", async () => {
    const pg = makePlayground();
    const [r1] = selectResources(pg.stores.sessions.getState());
    const result = await pg.enable({ fromResourceId: r1!.id, away: true });
    expect(result).toMatchObject({ outcome: "error", error: { code: "not-connected" } });
    expect(result.error?.message).toContain("connect it before enabling push");
    const sent = await pg.send({ to: "bare", kind: "chat", body: "x" });
    expect(!sent.ok && sent.error.code).toBe("not-connected");
    // Offline sessions follow profile edits.
    pg.stores.profile.getState().updateAccount("account", { username: "carol" });
    pg.stores.profile.getState().updateAccount("sink", { resource: "observer" });
    expect(pg.stores.sessions.getState().sessions[r1!.id]).toMatchObject({ label: "carol/r1", account: "carol@localhost" });
    expect(pg.stores.sessions.getState().sessions[SINK_LANE]?.label).toMatch(/\/observer$/);
    expect(pg.sinkJid()).toMatch(/\/observer$/);
    pg.stores.profile.getState().updateAccount("account", { password: "" });
    const noPassword = await pg.connectResource(r1!.id);
    expect(!noPassword.ok && noPassword.error.message).toMatch(/password for carol@localhost is empty/);
  });

  it("links pushes heuristically by body when the server log is not used; bursts push once per message", async () => {
    const pg = makePlayground({ useServerLog: false });
    await pg.connectAll();
    const [r1, r2] = selectResources(pg.stores.sessions.getState());
    expect((await pg.enable({ fromResourceId: r1!.id, away: false, node: "burst-node" })).outcome).toBe("result");
    await pg.disconnectResource(r1!.id);
    await pg.disconnectResource(r2!.id);
    const sent = await pg.send({ to: "bare", kind: "chat", body: "burst", count: 3 });
    expect(sent.ok && sent.value).toHaveLength(3);
    const pushes = await waitFor(pg, () => (pushesOf(pg).length === 3 ? pushesOf(pg) : null), "three pushes");
    const messages = events(pg).filter((e): e is MessageSentEvent => e.kind === "message-sent");
    expect(messages.map((m) => m.body)).toEqual(["burst (1/3)", "burst (2/3)", "burst (3/3)"]);
    for (const [i, push] of pushes.entries()) {
      expect(push).toMatchObject({ node: "burst-node", linkMethod: "heuristic", causeMessageId: messages[i]!.messageId, causeEventId: messages[i]!.id });
      expect(push.linkDetail).toMatch(/body equals last-message-body/);
      expect(push.notification?.messageCount).toBe(i + 1);
    }
    expect(events(pg).filter((e) => e.kind === "decision")).toEqual([]);
  });

  it("disable stops pushes; a body-less chat state never pushes; remote disable is sent and recorded", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const [r1, r2] = selectResources(pg.stores.sessions.getState());
    await pg.enable({ fromResourceId: r1!.id, away: false, node: "keep" });
    await pg.enable({ fromResourceId: r1!.id, away: false, node: "drop" });
    const dis = await pg.disable({ fromResourceId: r1!.id, jid: pg.sinkJid(), node: "drop" });
    expect(dis.outcome).toBe("result");
    expect(pg.stores.registrations.getState().registrations.map((r) => [r.node, r.state])).toEqual([["keep", "active"], ["drop", "disabled"]]);
    await pg.disconnectResource(r1!.id);
    await pg.disconnectResource(r2!.id);

    const state = await pg.send({ to: "bare", kind: "chat-state" });
    const stateId = state.ok ? state.value[0]! : "";
    await waitFor(pg, () => events(pg).some((e) => e.kind === "decision" && e.messageId === stateId), "the decision on the chat state");
    expect(pushesOf(pg)).toEqual([]);

    await pg.send({ to: "bare", kind: "chat", body: "only keep" });
    const push = await waitFor(pg, () => pushesOf(pg)[0], "the push");
    expect(push.node).toBe("keep");
    expect(pg.stores.registrations.getState().registrations.find((r) => r.node === "keep")?.pushCount).toBe(1);

    expect((await pg.sinkRemoteDisable("keep")).ok).toBe(true);
    const remote = await waitFor(pg, () => events(pg).find((e) => e.kind === "remote-disable"), "the remote-disable event");
    expect(remote.xml).toContain("affiliation=\"none\"");
    expect(pg.stores.registrations.getState().registrations.find((r) => r.node === "keep")?.state).toMatch(/remote-disabled|removed-by-server/);
  });

  it("records hostile publishes with their parse error and never throws", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const [r1] = selectResources(pg.stores.sessions.getState());
    const sink = pg.sinkJid();
    const noItem = `<iq type='set' to='${sink}' id='evil-1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='x'/></pubsub></iq>`;
    expect((await pg.sendRaw(r1!.id, noItem)).ok).toBe(true);
    const wrongNs = `<iq type='set' to='${sink}' id='evil-2'><pubsub xmlns='urn:example:not-pubsub'><publish node='x'/></pubsub></iq>`;
    expect((await pg.sendRaw(r1!.id, wrongNs)).ok).toBe(true);
    const pushes = await waitFor(pg, () => (pushesOf(pg).length === 2 ? pushesOf(pg) : null), "two recorded publishes");
    expect(pushes[0]).toMatchObject({ iqId: "evil-1", parseError: "no <item> in <publish>", node: "x", answer: { kind: "error", type: "modify", condition: "bad-request" } });
    expect(pushes[1]).toMatchObject({ iqId: "evil-2", answer: { kind: "error", type: "cancel", condition: "service-unavailable" } });
    expect(pushes[1]!.parseError).toMatch(/wrong namespace.*answered by xmpp.js itself/);
    const answer = await waitFor(pg, () => events(pg).find((e) => e.kind === "sink-answer" && e.iqId === "evil-1"), "the bad-request answer");
    expect(answer.xml).toContain("bad-request");
    const errorBack = await waitFor(pg, () => pg.stores.console.getState().frames.find((f) => f.lane === r1!.id && f.direction === "in" && f.text.includes("evil-2")), "the error back at r1");
    expect(errorBack.text).toContain("service-unavailable");
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 2, malformed: 2, answeredError: 2 });
  });

  it("keeps a removed resource's lane label, and exports the whole session for import", async () => {
    const pg = makePlayground();
    const added = pg.addResource();
    expect(added.ok && pg.stores.sessions.getState().sessions[added.value]?.resource).toBe("r3");
    expect(pg.addResource("r1")).toMatchObject({ ok: false, error: { code: "bad-input" } });
    const id = added.ok ? added.value : "";
    expect((await pg.connectResource(id)).ok).toBe(true);
    await pg.removeResource(id);
    pg.flush();
    expect(pg.stores.sessions.getState().sessions[id]).toBeUndefined();
    const doc = JSON.parse(pg.stores.timeline.getState().exportJson());
    expect(doc.lanes[id]).toMatchObject({ label: expect.stringMatching(/\/r3 \(removed\)$/), role: "resource" });
    expect(doc.events.some((e: TimelineEvent) => e.lane === id && e.kind === "connection" && e.status === "online")).toBe(true);
    expect(JSON.stringify(doc)).not.toContain('"password":"pass"');
    const imported = pg.stores.timeline.getState().importJson(JSON.stringify(doc));
    expect(imported).toEqual({ ok: true, count: doc.events.length });
  });

  it("sends to a full JID (only that resource receives) and shows a bounced groupchat", async () => {
    const pg = makePlayground();
    await pg.connectAll();
    const [r1, r2] = selectResources(pg.stores.sessions.getState());
    const direct = await pg.send({ to: "r2", kind: "chat", body: "just r2" });
    const directId = direct.ok ? direct.value[0]! : "";
    const both = await pg.send({ to: "bare", kind: "chat", body: "everyone" });
    const bothId = both.ok ? both.value[0]! : "";
    const sentEvent = (id: string) => events(pg).find((e): e is MessageSentEvent => e.kind === "message-sent" && e.messageId === id);
    await waitFor(pg, () => sentEvent(bothId)?.receivedBy.length === 2, "delivery to both resources");
    expect(sentEvent(directId)?.to).toBe(`${pg.stores.sessions.getState().sessions[r2!.id]!.account}/r2`);
    expect(sentEvent(directId)?.receivedBy).toEqual([r2!.id]);
    expect([...sentEvent(bothId)!.receivedBy].sort()).toEqual([r1!.id, r2!.id].sort());
    expect(pg.stores.sessions.getState().sessions[r2!.id]!.received).toBe(2);

    const group = await pg.send({ to: "bare", kind: "groupchat", body: "room?" });
    const groupId = group.ok ? group.value[0]! : "";
    const bounce = await waitFor(pg, () => events(pg).find((e) => e.kind === "message-received" && e.lane === SENDER_LANE && e.messageId === groupId), "the bounce");
    expect(bounce).toMatchObject({ messageType: "error" });
    expect(bounce.summary).toContain("service-unavailable");
    expect(sentEvent(groupId)?.receivedBy).toEqual([]);
  });
});
