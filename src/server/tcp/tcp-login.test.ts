/**
 * Logging in over TCP (RFC 6120) as a native client does: header, STARTTLS with a real TLS client
 * (Node's `tls`, trusting only the generated certificate), the restart, SASL with each mechanism,
 * the restart again and bind; and direct TLS (XEP-0368) on its own port.
 */
import { connect as tlsConnect } from "node:tls";
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { connectClient, stopQuietly } from "../test-support";
import { rawTcpSession, rawTcpSocket, tcpHeader, type TcpSocket } from "./test-support/tcp-socket";
import { startTcpTestServer, type TcpTestServer } from "./test-support/tcp-server";
import { scramLogin, type ScramMechanism } from "./test-support/scram-client";

const TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";
let ts: TcpTestServer;

beforeAll(async () => {
  ts = await startTcpTestServer({ defaultAccounts: true });
});
afterAll(async () => {
  await ts.close();
});

async function bind(s: TcpSocket, resource: string): Promise<string> {
  await s.open();
  s.send(`<iq type='set' id='b'><bind xmlns='${NS.bind}'><resource>${resource}</resource></bind></iq>`);
  const result = await s.waitFor((e) => e.attrs.id === "b");
  return result.getChild("bind", NS.bind)?.getChildText("jid") ?? "";
}

describe("TCP with STARTTLS", () => {
  it("offers only <starttls><required/></starttls> before TLS, and SASL after it", async () => {
    const s = await rawTcpSocket(ts.c2sPort);
    const before = await s.open();
    expect(before.getChild("starttls", TLS_NS)?.getChild("required")).toBeDefined();
    expect(before.getChild("mechanisms", NS.sasl)).toBeUndefined();
    await s.startTls(ts.ca);
    const after = await s.open();
    expect(after.getChild("starttls", TLS_NS)).toBeUndefined();
    expect(after.getChild("mechanisms", NS.sasl)?.getChildren("mechanism").map((m) => m.text())).toEqual(["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]);
    s.close();
  });

  it.each<ScramMechanism>(["SCRAM-SHA-1", "SCRAM-SHA-256"])("logs in a default account with %s and binds", async (mechanism) => {
    const s = await rawTcpSocket(ts.c2sPort);
    await s.openSecure(ts.ca);
    const { outcome, serverVerified } = await scramLogin(s, mechanism, "alice", "pass");
    expect(outcome.is("success")).toBe(true);
    expect(serverVerified).toBe(true);
    expect(await bind(s, `tcp-${mechanism}`)).toBe(`alice@localhost/tcp-${mechanism}`);
    s.close();
    await s.closed;
  });

  it("registers a new username with PLAIN (dev registration), then SCRAM-SHA-256 works for it", async () => {
    const { socket, jid } = await rawTcpSession(ts.c2sPort, ts.ca, { username: "tcp-newbie", password: "pw1", resource: "plain" });
    expect(jid).toBe("tcp-newbie@localhost/plain");
    socket.close();
    const s = await rawTcpSocket(ts.c2sPort);
    await s.openSecure(ts.ca);
    expect((await scramLogin(s, "SCRAM-SHA-256", "tcp-newbie", "pw1")).serverVerified).toBe(true);
    s.close();
  });

  it("refuses SASL before TLS with encryption-required and says to send <starttls/>", async () => {
    const s = await rawTcpSocket(ts.c2sPort);
    await s.open();
    s.send(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${Buffer.from("\u0000alice\u0000pass").toString("base64")}</auth>`);
    const failure = await s.waitFor((e) => e.is("failure", NS.sasl));
    expect(failure.getChild("encryption-required")).toBeDefined();
    expect(failure.getChildText("text")).toMatch(/starttls/i);
    s.close();
  });

  it("says which account, which mechanism and what to do when a SCRAM login fails", async () => {
    const s = await rawTcpSocket(ts.c2sPort);
    await s.openSecure(ts.ca);
    const unknown = (await scramLogin(s, "SCRAM-SHA-1", "nobody-yet", "pw")).outcome;
    expect(unknown.getChild("not-authorized")).toBeDefined();
    expect(unknown.getChildText("text")).toMatch(/nobody-yet@localhost \(SCRAM-SHA-1\).*PLAIN/);
    const wrong = (await scramLogin(s, "SCRAM-SHA-256", "bob", "nope")).outcome;
    expect(wrong.getChildText("text")).toMatch(/wrong password for bob@localhost \(SCRAM-SHA-256\).*'pass'/);
    s.close();
  });

  it("presents a certificate naming every virtual host", async () => {
    const cert = new X509Certificate(ts.ca);
    for (const host of ts.server.hosts) expect(cert.checkHost(host.domain)).toBe(host.domain);
  });

  it("delivers a message from a WebSocket session to a TCP session (one session manager)", async () => {
    const { socket } = await rawTcpSession(ts.c2sPort, ts.ca, { username: "bob", resource: "tcp" });
    socket.send("<presence/>");
    const sender = await connectClient({ url: ts.url, username: "alice", resource: "ws" });
    try {
      await sender.send(
        (await import("@xmpp/client")).xml("message", { to: "bob@localhost/tcp", type: "chat", id: "m1" }, (await import("@xmpp/client")).xml("body", {}, "over tcp")),
      );
      const message = await socket.waitFor((e) => e.is("message") && e.attrs.id === "m1");
      expect(message.getChildText("body")).toBe("over tcp");
      expect(message.attrs.from).toBe("alice@localhost/ws");
    } finally {
      await stopQuietly(sender);
      socket.close();
    }
  });

  it("ends the stream with </stream:stream> when the client closes", async () => {
    const s = await rawTcpSocket(ts.c2sPort);
    await s.open();
    s.send("</stream:stream>");
    await s.waitFor((e) => e.is("close", NS.framing));
    expect((await s.closed).code).toBe(1000);
  });
});

describe("the standalone index page", () => {
  it("names the TCP listener and its ports", async () => {
    const text = await (await fetch(`${ts.httpUrl}/`)).text();
    expect(text).toContain(`XMPP over TCP (RFC 6120):       xmpp://127.0.0.1:${ts.c2sPort} (STARTTLS required, direct TLS on port ${ts.c2sTlsPort})`);
  });
});

describe("direct TLS (XEP-0368)", () => {
  it("logs in without STARTTLS on the TLS port", async () => {
    const secure = tlsConnect({ port: ts.c2sTlsPort, host: "127.0.0.1", ca: ts.ca, servername: "localhost" });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      secure.once("error", reject);
    });
    let received = "";
    secure.on("data", (d: Buffer) => (received += d.toString()));
    secure.write(tcpHeader());
    await expect.poll(() => received, { timeout: 5000 }).toContain("</stream:features>");
    expect(received).toContain("<mechanism>SCRAM-SHA-256</mechanism>");
    expect(received).not.toContain("starttls");
    secure.end("</stream:stream>");
  });
});
