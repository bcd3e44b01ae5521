/**
 * "Kill app" and "Resume" (XEP-0198) driven headlessly against the reference server with stream
 * management on, on its Prosody host (which pushes for hibernated sessions, batched 1 s).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../server/test-support";
import { createPlayground } from "./playground";
import type { Playground } from "./playground-api";
import type { ConnectionEvent, DecisionEvent, MessageReceivedEvent, PushEvent, TimelineEvent } from "./model";
import { createStores } from "./stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "./stores/profile";
import { selectResources } from "./stores/sessions";

let server: TestServer;
let playground: Playground | null = null;

beforeAll(async () => {
  server = await startTestServer({ streamManagement: true, resumptionTimeoutMs: 3000 });
});
afterAll(async () => {
  await server?.close();
});
afterEach(async () => {
  await playground?.dispose();
  playground = null;
});

let accountCounter = 0;
function makePlayground(domain = "prosody.localhost"): Playground {
  accountCounter += 1;
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  playground = createPlayground({
    stores,
    profile: {
      ...DEFAULT_PROFILE,
      service: server.url,
      domain,
      account: { username: `kalice${accountCounter}`, password: "pass" },
      sender: { username: `kbob${accountCounter}`, password: "pass" },
      sink: { username: `kpushsvc${accountCounter}`, password: "pass", resource: "sink" },
    },
    initialResources: ["r1"],
    connectTimeoutMs: 5000,
    iqTimeoutMs: 3000,
  });
  return playground;
}

async function waitFor<T>(pg: Playground, probe: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await pg.syncServerLog();
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const events = (pg: Playground): TimelineEvent[] => pg.stores.timeline.getState().events;
const connectionEvents = (pg: Playground) => events(pg).filter((e): e is ConnectionEvent => e.kind === "connection");
const decisions = (pg: Playground, logKind: string) => events(pg).filter((e): e is DecisionEvent => e.kind === "decision" && e.logKind === logKind);
const r1Of = (pg: Playground) => selectResources(pg.stores.sessions.getState())[0]!;

async function setUp(pg: Playground): Promise<string> {
  await pg.connectAll();
  // Let the playground finish reading where the server log stands (it skips older entries).
  await pg.syncServerLog();
  const r1 = r1Of(pg);
  expect(r1.status).toBe("online");
  expect(r1.sm).toMatchObject({ state: "active", enabled: true, resumable: true });
  const enabled = await pg.enable({ fromResourceId: r1.id, away: false });
  expect(enabled.outcome).toBe("result");
  return r1.id;
}

describe("kill app and resume (XEP-0198)", () => {
  it("kill hibernates the session; a message then causes a push linked to it; resume redelivers the message", async () => {
    const pg = makePlayground();
    const id = await setUp(pg);

    const killed = await pg.killResource(id);
    expect(killed).toEqual({ ok: true, value: { resumable: true } });
    expect(r1Of(pg)).toMatchObject({ status: "offline", sm: { state: "hibernated" } });
    // The hibernated session keeps its presence for when it comes back.
    expect(r1Of(pg).presence).not.toBeNull();
    const hibernation = await waitFor(pg, () => decisions(pg, "session-hibernated")[0], "the server's session-hibernated entry");
    expect(hibernation.summary).toContain("/r1 hibernated");
    expect(connectionEvents(pg).find((e) => e.sm === "killed")?.summary).toContain("app killed");

    const sent = await pg.send({ to: "bare", kind: "chat", body: "while killed" });
    expect(sent.ok).toBe(true);
    // Prosody queues the message in the hibernated session and pushes it (batched by its 1 s timer).
    const push = await waitFor(
      pg,
      () =>
        events(pg).find(
          (e): e is PushEvent =>
            e.kind === "push" && e.linkMethod === "server log" && events(pg).some((m) => m.id === e.causeEventId && m.kind === "message-sent"),
        ),
      "the message's push linked through the server log",
    );
    const cause = events(pg).find((e) => e.id === push.causeEventId);
    expect(cause).toMatchObject({ kind: "message-sent", body: "while killed" });
    // Prosody's summary carries its placeholder body, never the message text.
    expect(push.notification?.lastMessageBody).toBe("New Message!");
    // Any push before it was for the queue at hibernation time, and is linked to the hibernation.
    for (const earlier of events(pg).filter((e): e is PushEvent => e.kind === "push" && e.at < push.at)) {
      expect(earlier.causeEventId).toBe(hibernation.id);
    }

    const resumed = await pg.resumeResource(id);
    expect(resumed.ok).toBe(true);
    const redelivered = await waitFor(
      pg,
      () => events(pg).find((e): e is MessageReceivedEvent => e.kind === "message-received" && e.body === "while killed" && e.lane === id),
      "the redelivered message",
    );
    expect(redelivered.delayed).toBe(true);
    expect(redelivered.summary).toContain("redelivered on resume");
    const resumedEvent = await waitFor(pg, () => connectionEvents(pg).find((e) => e.sm === "resumed" && (e.redelivered ?? 0) >= 1), "the resumed event with its redelivery count");
    expect(resumedEvent.summary).toMatch(/session resumed .*1 delayed message redelivered/);
    expect(r1Of(pg)).toMatchObject({ status: "online", sm: { state: "resumed", redelivered: 1 }, receiving: true });
    const serverResumed = await waitFor(pg, () => decisions(pg, "session-resumed")[0], "the server's session-resumed entry");
    expect(serverResumed.summary).toMatch(/resumed after .* s, \d+ stanzas? re-sent/);

    // The resumed session is a live session: it still receives and answers.
    const disco = await pg.disco("account", id);
    expect(disco.ok).toBe(true);
  });

  it("links a push caused by the hibernation itself (unacknowledged queue) to the hibernation", async () => {
    const pg = makePlayground();
    const id = await setUp(pg);
    // bob's message reaches r1 but r1 has not acked it yet when the socket drops: it is in the
    // server's unacknowledged queue, and Prosody pushes for that queue when the session hibernates.
    const sent = await pg.send({ to: "bare", kind: "chat", body: "just before the kill" });
    expect(sent.ok).toBe(true);
    await waitFor(pg, () => events(pg).find((e) => e.kind === "message-received" && e.lane === id), "r1 receiving the message");
    await pg.killResource(id);
    const hibernation = await waitFor(pg, () => decisions(pg, "session-hibernated")[0], "session-hibernated");
    if (hibernation.rule === undefined) {
      // Only when the client had acknowledged everything before the socket dropped.
      expect(hibernation.summary).toContain("(0 unacknowledged stanzas");
      return;
    }
    const push = await waitFor(pg, () => events(pg).find((e): e is PushEvent => e.kind === "push" && e.linkMethod === "server log"), "the hibernation push");
    expect(push.causeEventId).toBe(hibernation.id);
    expect(push.linkDetail).toContain("hibernated session");
    expect(push.linkDetail).not.toContain("presence-triggered");
  });

  it("after the resumption window the server expires the session and Resume reports expired", async () => {
    const pg = makePlayground();
    const id = await setUp(pg);
    await pg.killResource(id);
    const expired = await waitFor(pg, () => decisions(pg, "session-expired")[0], "session-expired", 8000);
    expect(expired.summary).toContain("expired without being resumed");
    await waitFor(pg, () => r1Of(pg).sm?.state === "expired", "the card state expired");
    expect(connectionEvents(pg).some((e) => e.sm === "expired")).toBe(true);

    const resumed = await pg.resumeResource(id);
    expect(resumed.ok).toBe(false);
    expect(!resumed.ok && resumed.error.condition).toBe("item-not-found");
    expect(r1Of(pg)).toMatchObject({ status: "offline", sm: { state: "expired" } });
    // Connect starts a fresh session.
    expect((await pg.connectResource(id)).ok).toBe(true);
    expect(r1Of(pg)).toMatchObject({ status: "online", sm: { state: "active" } });
  });

  it("without stream management, Kill app simply ends the session and there is nothing to resume", async () => {
    const noSm = await startTestServer({ streamManagement: false });
    try {
      accountCounter += 1;
      const stores = createStores({ profile: { storage: createMemoryStorage() } });
      const pg = (playground = createPlayground({
        stores,
        profile: { ...DEFAULT_PROFILE, service: noSm.url, account: { username: `nalice${accountCounter}`, password: "pass" } },
        initialResources: ["r1"],
        connectTimeoutMs: 5000,
      }));
      const r1 = r1Of(pg);
      expect((await pg.connectResource(r1.id)).ok).toBe(true);
      expect(r1Of(pg).sm).toMatchObject({ state: "off", enabled: false });
      expect(await pg.killResource(r1.id)).toEqual({ ok: true, value: { resumable: false } });
      pg.flush();
      expect(r1Of(pg)).toMatchObject({ status: "offline", sm: { state: "ended" }, presence: null });
      expect(connectionEvents(pg).find((e) => e.sm === "killed")?.summary).toContain("simply ended");
      const resumed = await pg.resumeResource(r1.id);
      expect(resumed.ok).toBe(false);
      expect(!resumed.ok && resumed.error.message).toContain("session ended");
      await pg.dispose();
      playground = null;
    } finally {
      await noSm.close();
    }
  });
});
