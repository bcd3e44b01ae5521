/**
 * The page's transport to the sandbox server: SandboxWebSocket frame by frame, then our xmpp.js
 * assembly over it (`sandbox:` service) through login, push and the decision log request, against
 * the same startSandboxServer the Worker runs.
 */
import type { Element } from "@xmpp/xml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NS } from "../protocol/ns";
import { buildEnable } from "../protocol/stanzas/push";
import { createXmppClient, xml, type XmppClient, type XmppClientOptions } from "../xmpp-client/client";
import { SANDBOX_SERVICE } from "./protocol";
import { setPageSandbox } from "./sandbox-client";
import { SandboxWebSocket, type SandboxCloseEvent } from "./sandbox-websocket";
import { startInProcessSandbox, type InProcessSandbox } from "./test-support/in-process-sandbox";
import "./xmpp-transport";

let sandbox: InProcessSandbox;
const clients: XmppClient[] = [];

beforeEach(() => {
  sandbox = startInProcessSandbox();
  setPageSandbox(sandbox.client);
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.stop().catch(() => undefined);
  setPageSandbox(null);
  await sandbox.close();
});

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function socketLog(ws: SandboxWebSocket) {
  const log = { opened: false, messages: [] as string[], close: null as SandboxCloseEvent | null, errors: 0 };
  ws.addEventListener("open", () => (log.opened = true));
  ws.addEventListener("message", (e) => log.messages.push(String((e as MessageEvent).data)));
  ws.addEventListener("close", (e) => (log.close = e as SandboxCloseEvent));
  ws.addEventListener("error", () => (log.errors += 1));
  return log;
}

const OPEN = `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>`;

describe("SandboxWebSocket", () => {
  it("opens with the xmpp subprotocol and carries RFC 7395 frames both ways", async () => {
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, ["xmpp"]);
    const log = socketLog(ws);
    expect(ws.readyState).toBe(SandboxWebSocket.CONNECTING);
    await until(() => log.opened, "open");
    expect(ws.protocol).toBe("xmpp");
    ws.send(OPEN);
    await until(() => log.messages.length >= 2, "the server's open and features");
    expect(log.messages[0]).toMatch(/^<open [^>]*from="localhost"/);
    expect(log.messages[1]).toContain("<mechanism>PLAIN</mechanism>");
    ws.close();
    await until(() => log.close !== null, "close");
    expect(log.close).toMatchObject({ wasClean: true });
    expect(sandbox.server.hub.connectionCount).toBe(0);
  });

  it("is refused with 1002 without the xmpp subprotocol, as the WebSocket endpoint does", async () => {
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, []);
    const log = socketLog(ws);
    await until(() => log.close !== null, "close");
    expect(log.close).toMatchObject({ code: 1002, wasClean: true });
    expect(log.close?.reason).toMatch(/xmpp' WebSocket subprotocol/);
  });

  it("ends the stream with a stream error on a bad frame, then a clean close", async () => {
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, ["xmpp"]);
    const log = socketLog(ws);
    await until(() => log.opened, "open");
    ws.send("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>");
    await until(() => log.close !== null, "close");
    expect(log.messages.join("")).toContain("<stream:error");
    expect(log.messages.at(-1)).toMatch(/^<close /);
  });

  it("reports a sandbox that cannot start as an error, then an unclean close", async () => {
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, ["xmpp"], () => Promise.reject(new Error("worker script failed to load")));
    const log = socketLog(ws);
    await until(() => log.close !== null, "close");
    expect(log.errors).toBe(1);
    expect(log.close).toMatchObject({ code: 1006, wasClean: false, reason: "worker script failed to load" });
  });

  it("ends a close the server never echoes (a dead Worker) as unclean", async () => {
    const silent = new MessageChannel();
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, ["xmpp"], async () => silent.port1);
    const log = socketLog(ws);
    await until(() => log.opened, "open");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      ws.close();
      expect(ws.readyState).toBe(SandboxWebSocket.CLOSING);
      vi.advanceTimersByTime(5000);
    } finally {
      vi.useRealTimers();
    }
    expect(log.close).toMatchObject({ code: 1006, wasClean: false, reason: "the sandbox server did not answer the close" });
    silent.port2.close();
  });

  it("terminate() drops the stream without a closing handshake; the server hibernates nothing it did not enable", async () => {
    const ws = new SandboxWebSocket(SANDBOX_SERVICE, ["xmpp"]);
    const log = socketLog(ws);
    await until(() => log.opened, "open");
    ws.send(OPEN);
    await until(() => sandbox.server.hub.connectionCount === 1 && log.messages.length >= 2, "the stream");
    ws.terminate();
    expect(log.close).toMatchObject({ code: 1006, wasClean: false });
    await until(() => sandbox.server.hub.connectionCount === 0, "the server to drop the stream");
  });
});

function client(resource: string, username: string, extra: Partial<XmppClientOptions> = {}): XmppClient {
  const xmpp = createXmppClient({
    service: SANDBOX_SERVICE,
    domain: "localhost",
    resource,
    credentials: async (authenticate: (c: { username: string; password: string }, m: string) => Promise<void>) => authenticate({ username, password: "pass" }, "PLAIN"),
    ...extra,
  } as XmppClientOptions);
  xmpp.reconnect.stop();
  clients.push(xmpp);
  return xmpp;
}

describe("xmpp.js over the sandbox", () => {
  it("logs in with dev registration, pushes an offline message to the sink and logs the decision", async () => {
    const phone = client("phone", "alice");
    const sink = client("sink", "pushsvc");
    const bob = client("laptop", "bob");
    const publishes: Element[] = [];
    sink.iqCallee.set(NS.pubsub, "pubsub", (ctx: { stanza: Element }) => {
      publishes.push(ctx.stanza);
      return {};
    });
    const frames: string[] = [];
    phone.on("send", (el: Element) => frames.push(el.toString()));
    await Promise.all([phone.start(), sink.start(), bob.start()]);
    expect(String(phone.jid)).toBe("alice@localhost/phone");
    expect(frames.some((f) => f.startsWith("<auth") && f.includes('mechanism="PLAIN"'))).toBe(true);

    await phone.iqCaller.request(buildEnable({ jid: "pushsvc@localhost/sink", node: "n1" }));
    await phone.stop();
    await bob.send(xml("message", { to: "alice@localhost", type: "chat", id: "m1" }, xml("body", {}, "hello from the page")));
    await until(() => publishes.length === 1, "the publish at the sink");
    expect(publishes[0]?.getChild("pubsub", NS.pubsub)?.getChild("publish")?.attrs.node).toBe("n1");

    const reply = await sandbox.client.queryLog("account=alice@localhost");
    expect(reply.status).toBe(200);
    const entries = reply.status === 200 ? reply.body.entries : [];
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(["enable", "message-decision", "publish"]));
    expect(reply.status === 200 && reply.body.instance).toBe(sandbox.server.core.pushLog.instance);
  });

  it("answers a bad log query as the HTTP endpoint does (400 and the reason)", async () => {
    expect(await sandbox.client.queryLog("limit=0")).toEqual({ status: 400, body: { error: "limit must be an integer from 1 to 10000" } });
  });
});
