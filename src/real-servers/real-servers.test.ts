/**
 * Smoke test against the real servers (Debian's Prosody and ejabberd, started by
 * e2e/real-servers/servers.sh): push discovery, enable, a clean close, a message, and the publish
 * at a full-JID sink. Runs only with REAL_SERVERS=1 (or REAL_SERVERS=prosody / ejabberd); without
 * it each server's test is skipped with the reason. The selection parser and the `isUp` probe are
 * tested always, against a local stand-in.
 */
import type { Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import type { AddressInfo } from "node:net";
import { NS } from "../protocol/ns";
import { parseDiscoInfo, buildDiscoInfoQuery } from "../protocol/stanzas/disco";
import { buildChatMessage } from "../protocol/stanzas/message";
import { buildDisable, buildEnable, isParseFailure, parsePushPublish } from "../protocol/stanzas/push";
import type { ParsedPushPublish } from "../protocol/stanzas/push";
import { connectClient, errorsOf, stopQuietly } from "../server/test-support/client";
import { REAL_SERVERS, REAL_SERVER_NAMES, isUp, selectedRealServers } from "./realServers";
import type { RealServer } from "./realServers";

const SELECTED = selectedRealServers(process.env.REAL_SERVERS);
const SKIP_REASON =
  "needs the real servers: run `e2e/real-servers/servers.sh install && e2e/real-servers/servers.sh start` (as root), then REAL_SERVERS=1";

/** Design section C: a positive wait of at most 10 s against a real server. */
const PUSH_WAIT_MS = 10_000;

describe("selectedRealServers (the REAL_SERVERS switch)", () => {
  it("selects nothing when unset, empty or 0", () => {
    expect(selectedRealServers(undefined)).toEqual([]);
    expect(selectedRealServers("")).toEqual([]);
    expect(selectedRealServers("0")).toEqual([]);
  });

  it("selects both servers for 1 and all", () => {
    expect(selectedRealServers("1")).toEqual(["prosody", "ejabberd"]);
    expect(selectedRealServers("all")).toEqual(["prosody", "ejabberd"]);
  });

  it("selects a listed subset in a fixed order", () => {
    expect(selectedRealServers("ejabberd")).toEqual(["ejabberd"]);
    expect(selectedRealServers(" ejabberd , prosody ")).toEqual(["prosody", "ejabberd"]);
  });

  it("rejects an unknown name instead of silently running nothing", () => {
    expect(() => selectedRealServers("prosdy")).toThrow(/unknown server prosdy/);
  });
});

describe("isUp (WebSocket + RFC 7395 open probe)", () => {
  let wss: WebSocketServer;
  let port = 0;
  const opens: string[] = [];

  beforeAll(async () => {
    // Answers like an XMPP server for "localhost", stays silent for "silent.example" and answers
    // any other domain with a stream error.
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false) });
    wss.on("connection", (socket) => {
      socket.on("message", (data) => {
        const frame = String(data);
        opens.push(frame);
        if (frame.startsWith("<open") && frame.includes('to="localhost"')) {
          socket.send(`<open xmlns="${NS.framing}" from="localhost" id="probe" version="1.0"/>`);
        } else if (frame.startsWith("<open") && frame.includes('to="silent.example"')) {
          // a server that accepted the WebSocket but never answers the stream
        } else if (frame.startsWith("<open")) {
          socket.send(`<stream:error xmlns:stream="${NS.streams}"><host-unknown xmlns="${NS.streamErrors}"/></stream:error>`);
        }
      });
    });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    port = (wss.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  it("is true when the endpoint answers <open/> for the domain, and sends the framing <open/>", async () => {
    expect(await isUp({ service: `ws://127.0.0.1:${port}/xmpp-websocket`, domain: "localhost" })).toBe(true);
    expect(opens.some((f) => f.includes(`xmlns="${NS.framing}"`) && f.includes('version="1.0"'))).toBe(true);
  });

  it("is false when the server answers with a stream error", async () => {
    expect(await isUp({ service: `ws://127.0.0.1:${port}/xmpp-websocket`, domain: "example.org" })).toBe(false);
  });

  it("is false when nothing listens", async () => {
    const closed = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => closed.once("listening", () => resolve()));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await isUp({ service: `ws://127.0.0.1:${freePort}/xmpp-websocket`, domain: "localhost" })).toBe(false);
  });

  it("is false when the probe times out (no <open/> comes back)", async () => {
    expect(await isUp({ service: `ws://127.0.0.1:${port}/xmpp-websocket`, domain: "silent.example" }, 300)).toBe(false);
  });
});

describe.each(REAL_SERVER_NAMES.map((name) => REAL_SERVERS[name]))("real server $name (REAL_SERVERS)", (server: RealServer) => {
  it("advertises push, accepts enable, and publishes to a full-JID sink after a clean close", async (ctx) => {
    ctx.skip(!SELECTED.includes(server.name), SKIP_REASON);
    expect(await isUp(server.name), `${server.name} does not answer at ${server.service}: run ${server.startCommand}`).toBe(true);

    const { alice, bob, pushsvc } = server.accounts;
    const node = `smoke-${globalThis.crypto.randomUUID()}`;
    const clients: Client[] = [];
    const connect = async (account: { username: string; password: string }, resource: string): Promise<Client> => {
      const xmpp = await connectClient({
        url: server.service,
        domain: server.domain,
        username: account.username,
        password: account.password,
        resource,
        mechanism: "PLAIN", // xmpp.js in Node would pick SCRAM-SHA-1 (about 0.5 s per login)
      });
      clients.push(xmpp);
      return xmpp;
    };

    // The sink plays the App Server: answers every publish with an empty result.
    const sink = await connect(pushsvc, "sink");
    expect(sink.jid?.toString()).toBe(server.sinkJid);
    const publishes: ParsedPushPublish[] = [];
    let onPublish: (() => void) | null = null;
    sink.iqCallee.set(NS.pubsub, "pubsub", (iqCtx) => {
      const parsed = parsePushPublish(iqCtx.stanza as Element);
      if (!isParseFailure(parsed)) publishes.push(parsed);
      onPublish?.();
      return true;
    });
    const ourPublish = (): ParsedPushPublish | undefined => publishes.find((p) => p.node === node);

    try {
      const phone = await connect(alice, "smoke-phone");
      const disco = parseDiscoInfo(await phone.iqCaller.request(buildDiscoInfoQuery({ to: alice.jid }), 5000));
      if ("error" in disco) throw new Error(disco.error);
      expect(disco.features).toContain(NS.push);

      const enabled = await phone.iqCaller.request(buildEnable({ jid: server.sinkJid, node }), 5000);
      expect(enabled.attrs.type).toBe("result");

      // "Gone" per docs/push-semantics.md C: the stream closed cleanly (</close> answered), no XEP-0198 resumption.
      await phone.stop();
      expect(phone.status).toBe("offline");

      const bobClient = await connect(bob, "smoke-sender");
      await bobClient.send(buildChatMessage({ to: alice.jid, body: `smoke test ${node}` }));

      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no publish for node ${node} within ${PUSH_WAIT_MS} ms`)), PUSH_WAIT_MS);
        onPublish = () => {
          if (ourPublish()) {
            clearTimeout(timer);
            resolve();
          }
        };
        onPublish();
      });
      const publish = ourPublish();
      expect(publish?.from).toBe(server.domain);
      expect(publish?.to).toBe(server.sinkJid);
      expect(publish?.node).toBe(node);
      expect(errorsOf(sink)).toEqual([]);
    } finally {
      // Leave the account as found: the registration goes; the stored message stays offline.
      const cleanup = await connect(alice, "smoke-cleanup").catch(() => null);
      if (cleanup) await cleanup.iqCaller.request(buildDisable({ jid: server.sinkJid, node }), 5000).catch(() => undefined);
      await Promise.all(clients.map((c) => stopQuietly(c)));
    }
  }, 30_000);
});
