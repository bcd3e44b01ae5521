/**
 * Session lanes against the reference server: connection failures reported specifically, and
 * "Kill app" / "Resume" (XEP-0198) with stream management on, on the server's Prosody host
 * (which pushes for hibernated sessions, batched 1 s).
 */
import { describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test-support";
import type { ConnectionEvent, DecisionEvent, MessageReceivedEvent, PushEvent } from "../model";
import { SENDER_LANE } from "../model";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile({ streamManagement: true, resumptionTimeoutMs: 3000 });

const connectionEvents = (d: PlaygroundDriver) => d.events().filter((e): e is ConnectionEvent => e.kind === "connection");
const decisions = (d: PlaygroundDriver, logKind: string) => d.events().filter((e): e is DecisionEvent => e.kind === "decision" && e.logKind === logKind);
const killDriver = () => server.driver({ domain: "prosody.localhost", accountPrefix: "k", initialResources: ["r1"] });

/** Connect everything, read where the server log stands (older entries are skipped), enable from r1. */
async function setUp(d: PlaygroundDriver): Promise<string> {
  await d.connect().sync();
  const r1 = d.view("r1");
  expect(r1.status).toBe("online");
  expect(r1.sm).toMatchObject({ state: "active", enabled: true, resumable: true });
  await d.enable({ from: "r1", away: false });
  expect(d.lastOperation?.outcome).toBe("result");
  return r1.id;
}

describe("connecting", () => {
  it("reports bad URL, refused socket and bad password specifically", async () => {
    const bad = server.driver({ service: "http://localhost:5280/xmpp-websocket" });
    const r = await bad.pg.connectSender();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe("bad-url");
    expect(!r.ok && r.error.message).toContain("did you mean ws://localhost:5280/xmpp-websocket");
    expect(bad.pg.stores.sessions.getState().sessions[SENDER_LANE]!.lastError?.code).toBe("bad-url");
    expect(bad.events().some((e) => e.kind === "connection" && e.status === "failed")).toBe(true);

    const port = new URL(server.url).port;
    const refused = server.driver({ service: `ws://127.0.0.1:${Number(port) === 1 ? 2 : 1}/xmpp-websocket` });
    const r2 = await refused.pg.connectSender();
    expect(!r2.ok && r2.error.code).toBe("socket-refused");

    const first = server.driver({ account: { username: "dave", password: "right" } });
    expect((await first.pg.connectResource(first.lane("r1"))).ok).toBe(true);
    await first.dispose();
    const wrong = server.driver({ account: { username: "dave", password: "wrong" } });
    const r3 = await wrong.pg.connectResource(wrong.lane("r1"));
    // The message names the field to fix, on the card and on the timeline as in the result.
    const refusedText = "Password for dave@localhost (Account) in the Connection tab was refused by the server (not-authorized)";
    expect(!r3.ok && r3.error).toMatchObject({ code: "bad-credentials", condition: "not-authorized", message: refusedText });
    expect(wrong.view("r1").lastError?.message).toBe(refusedText);
    expect(wrong.events().some((e) => e.kind === "connection" && e.status === "failed" && e.summary === `dave/r1: ${refusedText}`)).toBe(true);

    const wrongSender = server.driver({ accountPrefix: "ws" });
    wrongSender.pg.stores.profile.getState().updateAccount("sender", { username: "dave", password: "wrong" });
    const r4 = await wrongSender.pg.connectSender();
    expect(!r4.ok && r4.error.message).toBe("Password for dave@localhost (Sender) in the Connection tab was refused by the server (not-authorized)");

    const empty = server.driver({ account: { username: "erin", password: "" } });
    const r5 = await empty.pg.connectResource(empty.lane("r1"));
    expect(!r5.ok && r5.error.message).toMatch(/^the password for erin@localhost is empty: fill “Account password” in the Connection tab/);
  });
});

describe("kill app and resume (XEP-0198)", () => {
  it("kill hibernates the session; a message then causes a push linked to it; resume redelivers the message", async () => {
    const d = killDriver();
    const pg = d.pg;
    const id = await setUp(d);

    const killed = await pg.killResource(id);
    expect(killed).toEqual({ ok: true, value: { resumable: true } });
    expect(d.view("r1")).toMatchObject({ status: "offline", sm: { state: "hibernated" } });
    // The hibernated session keeps its presence for when it comes back.
    expect(d.view("r1").presence).not.toBeNull();
    const hibernation = await d.waitFor(() => decisions(d, "session-hibernated")[0], "the server's session-hibernated entry", { sync: true });
    expect(hibernation.summary).toContain("/r1 hibernated");
    expect(connectionEvents(d).find((e) => e.sm === "killed")?.summary).toContain("app killed");

    await d.send("while killed");
    // Prosody queues the message in the hibernated session and pushes it (batched by its 1 s timer).
    const push = await d.waitFor(
      () => d.events().find((e): e is PushEvent => e.kind === "push" && e.linkMethod === "server log" && d.events().some((m) => m.id === e.causeEventId && m.kind === "message-sent")),
      "the message's push linked through the server log",
      { sync: true },
    );
    const cause = d.events().find((e) => e.id === push.causeEventId);
    expect(cause).toMatchObject({ kind: "message-sent", body: "while killed" });
    // Prosody's summary carries its placeholder body, never the message text.
    expect(push.notification?.lastMessageBody).toBe("New Message!");
    // Any push before it was for the queue at hibernation time, and is linked to the hibernation.
    for (const earlier of d.pushes().filter((e) => e.at < push.at)) {
      expect(earlier.causeEventId).toBe(hibernation.id);
    }

    const resumed = await pg.resumeResource(id);
    expect(resumed.ok).toBe(true);
    const redelivered = await d.waitFor(
      () => d.events().find((e): e is MessageReceivedEvent => e.kind === "message-received" && e.body === "while killed" && e.lane === id),
      "the redelivered message",
      { sync: true },
    );
    expect(redelivered.delayed).toBe(true);
    expect(redelivered.summary).toContain("redelivered on resume");
    const resumedEvent = await d.waitFor(() => connectionEvents(d).find((e) => e.sm === "resumed" && (e.redelivered ?? 0) >= 1), "the resumed event with its redelivery count", { sync: true });
    expect(resumedEvent.summary).toMatch(/session resumed .*1 delayed message redelivered/);
    expect(d.view("r1")).toMatchObject({ status: "online", sm: { state: "resumed", redelivered: 1 }, receiving: true });
    const serverResumed = await d.waitFor(() => decisions(d, "session-resumed")[0], "the server's session-resumed entry", { sync: true });
    expect(serverResumed.summary).toMatch(/resumed after .* s, \d+ stanzas? re-sent/);

    // The resumed session is a live session: it still receives and answers.
    const disco = await pg.disco("account", id);
    expect(disco.ok).toBe(true);
  });

  it("links a push caused by the hibernation itself (unacknowledged queue) to the hibernation", async () => {
    const d = killDriver();
    const id = await setUp(d);
    // bob's message reaches r1 but r1 has not acked it yet when the socket drops: it is in the
    // server's unacknowledged queue, and Prosody pushes for that queue when the session hibernates.
    await d.send("just before the kill");
    await d.waitFor(() => d.events().find((e) => e.kind === "message-received" && e.lane === id), "r1 receiving the message", { sync: true });
    await d.kill("r1");
    const hibernation = await d.waitFor(() => decisions(d, "session-hibernated")[0], "session-hibernated", { sync: true });
    if (hibernation.rule === undefined) {
      // Only when the client had acknowledged everything before the socket dropped.
      expect(hibernation.summary).toContain("(0 unacknowledged stanzas");
      return;
    }
    const push = await d.waitFor(() => d.events().find((e): e is PushEvent => e.kind === "push" && e.linkMethod === "server log"), "the hibernation push", { sync: true });
    expect(push.causeEventId).toBe(hibernation.id);
    expect(push.linkDetail).toContain("hibernated session");
    expect(push.linkDetail).not.toContain("presence-triggered");
  });

  it("after the resumption window the server expires the session and Resume reports expired", async () => {
    const d = killDriver();
    const pg = d.pg;
    const id = await setUp(d);
    await d.kill("r1");
    // r1 enabled push, so Prosody keeps it 72 h (push_max_hibernation_timeout) until its first
    // important push; the resumption window runs from that push (issue 13).
    await d.send("wake up");
    const expired = await d.waitFor(() => decisions(d, "session-expired")[0], "session-expired", { sync: true, timeoutMs: 8000 });
    expect(expired.summary).toContain("expired without being resumed");
    await d.waitFor(() => d.view("r1").sm?.state === "expired", "the card state expired", { sync: true });
    expect(connectionEvents(d).some((e) => e.sm === "expired")).toBe(true);

    const resumed = await pg.resumeResource(id);
    expect(resumed.ok).toBe(false);
    expect(!resumed.ok && resumed.error.condition).toBe("item-not-found");
    expect(d.view("r1")).toMatchObject({ status: "offline", sm: { state: "expired" } });
    // Connect starts a fresh session.
    expect((await pg.connectResource(id)).ok).toBe(true);
    expect(d.view("r1")).toMatchObject({ status: "online", sm: { state: "active" } });
  });

  it("without stream management, Kill app simply ends the session and there is nothing to resume", async () => {
    const noSm = await startTestServer({ streamManagement: false });
    try {
      const d = server.driver({ service: noSm.url, accountPrefix: "n", initialResources: ["r1"] });
      const pg = d.pg;
      const r1 = d.view("r1");
      expect((await pg.connectResource(r1.id)).ok).toBe(true);
      expect(d.view("r1").sm).toMatchObject({ state: "off", enabled: false });
      expect(await pg.killResource(r1.id)).toEqual({ ok: true, value: { resumable: false } });
      pg.flush();
      expect(d.view("r1")).toMatchObject({ status: "offline", sm: { state: "ended" }, presence: null });
      expect(connectionEvents(d).find((e) => e.sm === "killed")?.summary).toContain("simply ended");
      const resumed = await pg.resumeResource(r1.id);
      expect(resumed.ok).toBe(false);
      expect(!resumed.ok && resumed.error.message).toContain("session ended");
      await d.dispose();
    } finally {
      await noSm.close();
    }
  });
});
