import type { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { NS } from "../protocol/ns";
import type { PushLogResponse } from "../protocol/push-log";
import { ReferenceServer } from "./index";
import { connectClient, errorsOf, rawSocket, startTestServer, type TestServer } from "./test-support";

let ts: TestServer | null = null;
afterEach(async () => {
  await ts?.close();
  ts = null;
});

function fakeUpgrade(url: string): { req: IncomingMessage; socket: Socket; destroyed: () => boolean } {
  const socket = new Socket();
  let destroyed = false;
  socket.destroy = ((): Socket => {
    destroyed = true;
    return socket;
  }) as Socket["destroy"];
  const req = { url, headers: {}, socket } as unknown as IncomingMessage;
  return { req, socket, destroyed: () => destroyed };
}

describe("ReferenceServer standalone (npm run server)", () => {
  it("serves a plain-text index page naming the WebSocket URL and the hosts", async () => {
    ts = await startTestServer();
    const res = await fetch(`${ts.httpUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(ts.url);
    expect(text).toMatch(/tigase\.localhost\s+policy tigase/);
    expect(text).toContain("/xmpp-push/log");
  });

  it("answers 404 for other paths and refuses WebSocket upgrades elsewhere", async () => {
    ts = await startTestServer();
    expect((await fetch(`${ts.httpUrl}/nope`)).status).toBe(404);
    await expect(rawSocket(ts.url.replace("/xmpp-websocket", "/other"))).rejects.toThrow(/404/);
  });

  it("serves GET /xmpp-push/log as JSON with account/after/limit filters", async () => {
    ts = await startTestServer();
    const { pushLog } = ts.server;
    for (const account of ["alice@localhost", "bob@localhost", "alice@localhost"]) {
      pushLog.append({
        kind: "disable",
        host: "localhost",
        policy: "spec",
        account,
        resource: null,
        key: { jid: "push@localhost/sink", node: "n" },
        why: "test entry",
      });
    }
    const all = (await (await fetch(`${ts.httpUrl}/xmpp-push/log`)).json()) as PushLogResponse;
    expect(all.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    const alice = (await (await fetch(`${ts.httpUrl}/xmpp-push/log?account=alice@localhost&after=1`)).json()) as PushLogResponse;
    expect(alice.entries.map((e) => [e.seq, e.account])).toEqual([[3, "alice@localhost"]]);
    const limited = (await (await fetch(`${ts.httpUrl}/xmpp-push/log?after=0&limit=1`)).json()) as PushLogResponse;
    expect(limited.entries.map((e) => e.seq)).toEqual([1]);
  });

  it.each([
    ["after=-1", /after/],
    ["after=abc", /after/],
    ["limit=0", /limit/],
    ["limit=999999", /limit/],
    ["account=a%20b@localhost", /account/],
  ])("rejects the query %s with a 400 naming the parameter", async (query, message) => {
    ts = await startTestServer();
    const res = await fetch(`${ts.httpUrl}/xmpp-push/log?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it("grants CORS to localhost origins only", async () => {
    ts = await startTestServer();
    const url = `${ts.httpUrl}/xmpp-push/log`;
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:4173", "https://localhost", "http://[::1]:5173"]) {
      const res = await fetch(url, { headers: { origin } });
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    }
    for (const origin of ["http://evil.example", "http://localhost.evil.example", "null", "http://127.0.0.2:5173"]) {
      const res = await fetch(url, { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const preflight = await fetch(url, { method: "OPTIONS", headers: { origin: "http://localhost:5173" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
  });

  it("close() ends live sessions with system-shutdown and returns promptly", async () => {
    ts = await startTestServer();
    const client = await connectClient({ url: ts.url, username: "closer" });
    const raw = await rawSocket(ts.url);
    await ts.close();
    ts = null;
    expect((await raw.closed).code).toBeGreaterThan(0);
    expect(raw.frames.join("")).toContain("system-shutdown");
    await expect.poll(() => client.status).toMatch(/offline|disconnect|close/);
    expect(errorsOf(client).map((e) => (e as Error & { condition?: string }).condition)).toContain("system-shutdown");
  });

  it("refuses a second listen and reports the bound address", async () => {
    const server = new ReferenceServer({ logLevel: "silent" });
    try {
      const address = await server.listen({ port: 0 });
      expect(address.host).toBe("127.0.0.1");
      expect(address.url).toBe(`ws://127.0.0.1:${address.port}/xmpp-websocket`);
      expect(server.address()).toEqual(address);
      await expect(server.listen({ port: 0 })).rejects.toThrow(/already listening/);
    } finally {
      await server.close();
    }
  });

  it("fails listen() with the accounts file error", async () => {
    const server = new ReferenceServer({ logLevel: "silent", accountsFile: "/nonexistent/accounts.json" });
    try {
      await expect(server.listen({ port: 0 })).rejects.toThrow(/cannot read accounts file/);
    } finally {
      await server.close();
    }
  });

  it("validates its options", () => {
    expect(() => new ReferenceServer({ hosts: [] })).toThrow(/at least one virtual host/);
    expect(() => new ReferenceServer({ hosts: [{ domain: "a", policy: "spec" }, { domain: "A", policy: "tigase" }] })).toThrow(/duplicate/);
    expect(() => new ReferenceServer({ path: "xmpp" })).toThrow(/path/);
    expect(() => new ReferenceServer({ saslMechanisms: [] })).toThrow(/SASL/);
  });
});

describe("ReferenceServer.handleUpgrade", () => {
  it("returns false and leaves the socket alone for other paths (e.g. Vite's HMR socket)", async () => {
    const server = new ReferenceServer({ logLevel: "silent" });
    try {
      for (const url of ["/", "/@vite/client", "/xmpp-websocket-other", "/xmpp", "/?token=abc"]) {
        const { req, socket, destroyed } = fakeUpgrade(url);
        expect(server.handleUpgrade(req, socket, Buffer.alloc(0))).toBe(false);
        expect(destroyed()).toBe(false);
      }
    } finally {
      await server.close();
    }
  });

  it("claims its own path, query string or not, and a custom path", async () => {
    const server = new ReferenceServer({ logLevel: "silent", path: "/ws" });
    await server.close();
    // After close the server still claims (and drops) its path rather than letting another handler take it.
    const { req, socket, destroyed } = fakeUpgrade("/ws?x=1");
    expect(server.handleUpgrade(req, socket, Buffer.alloc(0))).toBe(true);
    expect(destroyed()).toBe(true);
    expect(server.handleUpgrade(fakeUpgrade("/xmpp-websocket").req, new Socket(), Buffer.alloc(0))).toBe(false);
  });
});

describe("SASL mechanism configuration", () => {
  it("offers only the configured mechanisms, in order", async () => {
    ts = await startTestServer({ saslMechanisms: ["PLAIN"] });
    const s = await rawSocket(ts.url);
    const features = await s.open();
    expect(features.getChild("mechanisms", NS.sasl)?.getChildren("mechanism").map((m) => m.text())).toEqual(["PLAIN"]);
    s.close();
    await expect(connectClient({ url: ts.url, username: "x", mechanism: "SCRAM-SHA-1" })).rejects.toThrow(/does not offer SCRAM-SHA-1/);
  });

  it("offers SCRAM-SHA-256, then SCRAM-SHA-1, then PLAIN by default", async () => {
    ts = await startTestServer();
    const s = await rawSocket(ts.url);
    const features = await s.open();
    expect(features.getChild("mechanisms", NS.sasl)?.getChildren("mechanism").map((m) => m.text())).toEqual(["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]);
    s.close();
  });

  it("with dev registration off, only accounts from the file can log in", async () => {
    ts = await startTestServer({ devRegistration: false });
    await expect(connectClient({ url: ts.url, username: "stranger" })).rejects.toMatchObject({ condition: "not-authorized" });
  });
});
