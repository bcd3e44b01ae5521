import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import { startTestServer, type TestServer } from "../../server/test-support";
import { buildPresence } from "../../protocol/stanzas/presence";
import { buildDiscoInfoQuery } from "../../protocol/stanzas/disco";
import { XmppSession, type SessionEvent } from "./session";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

function session(overrides: Partial<ConstructorParameters<typeof XmppSession>[1]> = {}) {
  return new XmppSession("s1", {
    service: server.url,
    domain: "localhost",
    username: "alice",
    password: "pass",
    resource: "r1",
    connectTimeoutMs: 5000,
    iqTimeoutMs: 3000,
    ...overrides,
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("XmppSession", () => {
  it("logs in with PLAIN, binds the resource, captures masked raw frames, and stops cleanly", async () => {
    const s = session();
    const events: SessionEvent[] = [];
    s.on((e) => events.push(e));
    const result = await s.start();
    expect(result).toEqual({ ok: true, jid: "alice@localhost/r1" });
    expect(s.status).toBe("online");

    const frames = events.filter((e): e is Extract<SessionEvent, { type: "frame" }> => e.type === "frame");
    const auth = frames.find((f) => f.direction === "out" && f.text.includes("<auth"));
    expect(auth?.text).toContain("mechanism=\"PLAIN\"");
    expect(auth?.text).toContain("•••");
    expect(auth?.text).not.toMatch(/AGFsaWNl/); // base64 of "\0alice…"
    expect(frames.some((f) => f.direction === "out" && f.text.startsWith("<open"))).toBe(true);
    expect(frames.some((f) => f.direction === "in" && f.text.includes("<success"))).toBe(true);

    const disco = await s.request(buildDiscoInfoQuery({ to: "alice@localhost" }));
    expect(disco.outcome).toBe("result");

    const sendErr = await s.send(buildPresence({ show: "away" }));
    expect(sendErr).toBeNull();
    expect(events.some((e) => e.type === "element" && e.direction === "out" && e.element.name === "presence")).toBe(true);

    await s.stop();
    expect(s.status).toBe("offline");
    const statuses = events.filter((e) => e.type === "status").map((e) => (e as { status: string }).status);
    expect(statuses).toEqual(["connecting", "online", "disconnecting", "offline"]);
    expect(await s.send(buildPresence())).toMatchObject({ code: "not-connected" });
  });

  it("reports bad credentials specifically", async () => {
    const first = session({ username: "carol", password: "right", resource: "a" });
    expect((await first.start()).ok).toBe(true);
    await first.stop();
    const s = session({ username: "carol", password: "wrong", resource: "b" });
    const result = await s.start();
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "bad-credentials", message: "bad credentials for carol@localhost", condition: "not-authorized" }) });
    expect(s.status).toBe("failed");
  });

  it("reports a refused socket", async () => {
    const port = await closedPort();
    const s = session({ service: `ws://127.0.0.1:${port}/xmpp-websocket` });
    const result = await s.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("socket-refused");
    expect(result.error.message).toContain(`ws://127.0.0.1:${port}/xmpp-websocket`);
    expect(result.error.detail).toMatch(/ECONNREFUSED/);
  });

  it("reports a stream error with its condition (unknown domain)", async () => {
    const s = session({ domain: "nowhere.example" });
    const result = await s.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: "stream-error", condition: "host-unknown" });
    expect(result.error.message).toContain("<host-unknown/>");
  });

  it("reports a server-side close of a live stream", async () => {
    const s = session({ resource: "kick" });
    expect((await s.start()).ok).toBe(true);
    const failed = new Promise<SessionEvent>((resolve) => s.on((e) => e.type === "status" && e.status === "failed" && resolve(e)));
    // The same resource logging in again replaces this session (conflict) on most servers.
    const other = session({ resource: "kick" });
    await other.start();
    const ev = await failed;
    expect(ev).toMatchObject({ status: "failed", error: { code: "stream-error", condition: "conflict" } });
    expect(s.status).toBe("failed");
    await other.stop();
  });

  it("stop() during connect cancels the attempt and ends offline, not failed", async () => {
    const s = session({ resource: "cancel" });
    const statuses: string[] = [];
    s.on((e) => e.type === "status" && statuses.push(e.status));
    const starting = s.start();
    await s.stop();
    const result = await starting;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/cancelled/);
    expect(s.status).toBe("offline");
    expect(statuses).not.toContain("failed");
    // And it can connect again afterwards.
    expect((await s.start()).ok).toBe(true);
    await s.stop();
  });
});
