/**
 * XEP-0198 resumption across transports: one table per server (ServerCore.resumption), so a
 * session that started over TCP resumes over WebSocket and the other way round, as a mobile client
 * does after a network change. The stanza sent while it hibernated arrives on the new transport.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { rawSession, smResume, smSession, type RawSocket } from "../test-support";
import { rawTcpSession, rawTcpSocket, type TcpSocket } from "./test-support/tcp-socket";
import { startTcpTestServer, type TcpTestServer } from "./test-support/tcp-server";

let ts: TcpTestServer;

beforeAll(async () => {
  ts = await startTcpTestServer({ defaultAccounts: true, streamManagement: true, resumptionTimeoutMs: 10_000 });
});
afterAll(async () => {
  await ts.close();
});

/** Waits until the server counts `n` hibernated sessions (it notices a dropped socket asynchronously); one table, counted once. */
async function hibernated(n: number): Promise<void> {
  await expect.poll(() => ts.server.hibernatedCount, { timeout: 5000 }).toBe(n);
}

/** Ends a WebSocket stream with `<close/>`, so its session ends rather than hibernates. */
async function closeCleanly(socket: RawSocket): Promise<void> {
  socket.send(`<close xmlns='${NS.framing}'/>`);
  await socket.closed;
}

/** Bob sends alice's full JID a chat message over WebSocket. */
async function messageFromBob(to: string, id: string, body: string): Promise<void> {
  const { socket } = await rawSession(ts.url, { username: "bob", resource: "sender" });
  socket.send(`<message xmlns='${NS.client}' to='${to}' type='chat' id='${id}'><body>${body}</body></message>`);
  socket.send(`<iq xmlns='${NS.client}' type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>`);
  await socket.waitFor((e) => e.is("iq") && e.attrs.id === "ping");
  await closeCleanly(socket);
}

/** Logs in over TCP (STARTTLS, PLAIN) and sends `<resume previd h/>`: the server's answer. */
async function resumeOverTcp(previd: string, h: number): Promise<{ socket: TcpSocket; answer: import("@xmpp/xml").Element }> {
  const socket = await rawTcpSocket(ts.c2sPort);
  await socket.openSecure(ts.ca);
  socket.send(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${Buffer.from("\u0000alice\u0000pass").toString("base64")}</auth>`);
  expect((await socket.waitFor((e) => e.getNS() === NS.sasl)).is("success")).toBe(true);
  await socket.open();
  socket.send(`<resume xmlns='${NS.sm}' previd='${previd}' h='${h}'/>`);
  const answer = await socket.waitFor((e) => e.getNS() === NS.sm && (e.is("resumed") || e.is("failed")));
  return { socket, answer };
}

describe("XEP-0198 resumption across transports", () => {
  beforeEach(async () => {
    await hibernated(0);
  });

  it("resumes over WebSocket a session that started over TCP, and delivers what came while it hibernated", async () => {
    const { socket: tcp, jid } = await rawTcpSession(ts.c2sPort, ts.ca, { username: "alice", resource: "phone-tcp" });
    tcp.send(`<enable xmlns='${NS.sm}' resume='true'/>`);
    const enabled = await tcp.waitFor((e) => e.is("enabled", NS.sm));
    const previd = String(enabled.attrs.id);
    tcp.terminate();
    await hibernated(1);

    await messageFromBob(jid, "while-away-1", "sent while the phone changed network");
    const { answer, client, socket } = await smResume(ts.url, { username: "alice", previd, h: 0, jid });
    try {
      expect(answer.is("resumed")).toBe(true);
      expect(answer.attrs.previd).toBe(previd);
      const message = await socket.waitFor((e) => e.is("message") && e.attrs.id === "while-away-1");
      expect(message.getChildText("body")).toBe("sent while the phone changed network");
      expect(client).not.toBeNull();
      expect(ts.server.hibernatedCount).toBe(0);
    } finally {
      await closeCleanly(socket);
    }
  });

  it("resumes over TCP a session that started over WebSocket, and delivers what came while it hibernated", async () => {
    const ws = await smSession(ts.url, { username: "alice", resource: "phone-ws" });
    expect(ws.id).not.toBeNull();
    ws.terminate();
    await hibernated(1);

    await messageFromBob(ws.jid, "while-away-2", "queued for the TCP stream");
    const { socket, answer } = await resumeOverTcp(ws.id ?? "", ws.h);
    try {
      expect(answer.is("resumed")).toBe(true);
      const message = await socket.waitFor((e) => e.is("message") && e.attrs.id === "while-away-2");
      expect(message.getChildText("body")).toBe("queued for the TCP stream");
      expect(ts.server.hibernatedCount).toBe(0);
    } finally {
      socket.close();
      await socket.closed;
    }
  });
});
