import { xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { connectClient, errorsOf, rawSession, startTestServer, stopQuietly, type TestServer } from "../test-support";

let ts: TestServer;
const clients: Client[] = [];

async function login(opts: Omit<Parameters<typeof connectClient>[0], "url">): Promise<Client> {
  const c = await connectClient({ url: ts.url, ...opts });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  ts = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map(stopQuietly));
  await ts.close();
});

describe("SASL login with a real @xmpp/client", () => {
  it("registers a new account on the first PLAIN login and binds the requested resource", async () => {
    const c = await login({ username: "alice", password: "s3cret", resource: "phone" });
    expect(c.jid?.toString()).toBe("alice@localhost/phone");
    expect(ts.server.accounts.list("localhost")).toContain("alice");
  });

  it("accepts the same password again and rejects a wrong one with not-authorized", async () => {
    const again = await login({ username: "alice", password: "s3cret", resource: "laptop" });
    expect(again.jid?.toString()).toBe("alice@localhost/laptop");
    await expect(connectClient({ url: ts.url, username: "alice", password: "wrong" })).rejects.toMatchObject({
      name: "SASLError",
      condition: "not-authorized",
    });
  });

  it("logs in with SCRAM-SHA-1 and verifies the server signature", async () => {
    await login({ username: "bob", password: "correct horse", resource: "r1" });
    const c = await login({ username: "bob", password: "correct horse", mechanism: "SCRAM-SHA-1", resource: "r2" });
    expect(c.jid?.toString()).toBe("bob@localhost/r2");
    expect(errorsOf(c)).toEqual([]);
  });

  it("logs in with SCRAM-SHA-1 to an account registered through the API", async () => {
    await ts.server.accounts.register("localhost", "heidi", "api-pass");
    const c = await login({ username: "heidi", password: "api-pass", mechanism: "SCRAM-SHA-1" });
    expect(c.jid?.bare().toString()).toBe("heidi@localhost");
  });

  it("names the cause when xmpp.js sends a non-ASCII PLAIN password as Latin-1 instead of UTF-8", async () => {
    // @xmpp/base64 0.14 is btoa(string): "ä" goes out as the single byte 0xE4 (RFC 4616 wants UTF-8).
    await expect(connectClient({ url: ts.url, username: "ivan", password: "pässwörd" })).rejects.toMatchObject({
      condition: "malformed-request",
      text: expect.stringContaining("UTF-8"),
    });
  });

  it("rejects a wrong SCRAM-SHA-1 password", async () => {
    await expect(
      connectClient({ url: ts.url, username: "bob", password: "nope", mechanism: "SCRAM-SHA-1" }),
    ).rejects.toMatchObject({ condition: "not-authorized" });
  });

  it("refuses SCRAM-SHA-1 for an account that does not exist yet (SCRAM cannot register)", async () => {
    await expect(
      connectClient({ url: ts.url, username: "nobody", mechanism: "SCRAM-SHA-1" }),
    ).rejects.toMatchObject({ condition: "not-authorized" });
    expect(ts.server.accounts.list("localhost")).not.toContain("nobody");
  });

  it("folds the username's case like a JID localpart", async () => {
    const c = await login({ username: "Carol", password: "pw", resource: "x" });
    expect(c.jid?.toString()).toBe("carol@localhost/x");
    const again = await login({ username: "carol", password: "pw", resource: "y" });
    expect(again.jid?.toString()).toBe("carol@localhost/y");
  });

  it("serves every default virtual host, each with its own accounts", async () => {
    const c = await login({ username: "alice", password: "other", domain: "tigase.localhost", resource: "t" });
    expect(c.jid?.toString()).toBe("alice@tigase.localhost/t");
  });
});

describe("resource binding", () => {
  it("generates a resource when the client asks for none", async () => {
    const c = await login({ username: "dave" });
    const jid = c.jid?.toString() ?? "";
    expect(jid).toMatch(/^dave@localhost\/.+/);
    expect(jid.split("/")[1]?.length).toBeGreaterThan(4);
  });

  it("gives two clients without a resource two different resources", async () => {
    const a = await login({ username: "erin" });
    const b = await login({ username: "erin" });
    expect(a.jid?.toString()).not.toBe(b.jid?.toString());
  });

  it("closes the OLD session with a conflict stream error when a resource is bound twice", async () => {
    const old = await login({ username: "frank", resource: "dup" });
    const closed = new Promise<void>((resolve) => old.on("offline", () => resolve()));
    const disconnected = new Promise<void>((resolve) => old.on("disconnect", () => resolve()));
    const fresh = await login({ username: "frank", resource: "dup" });
    await Promise.race([closed, disconnected]);
    expect(errorsOf(old).map((e) => (e as Error & { condition?: string }).condition)).toContain("conflict");
    expect(fresh.status).toBe("online");
    // The new session really works: the server answers its ping.
    const pong = await fresh.iqCaller.request(xml("iq", { type: "get", to: "localhost" }, xml("ping", { xmlns: NS.ping })), 5000);
    expect(pong.attrs.type).toBe("result");
  });

  it("answers the legacy session iq (RFC 3921) with an empty result", async () => {
    const { socket, jid } = await rawSession(ts.url, { username: "gina", resource: "legacy" });
    expect(jid).toBe("gina@localhost/legacy");
    socket.send(`<iq xmlns='jabber:client' type='set' id='s1'><session xmlns='${NS.session}'/></iq>`);
    const res = await socket.waitFor((e) => e.attrs.id === "s1");
    expect(res.attrs.type).toBe("result");
    socket.close();
  });

  it("refuses a second bind on the same stream with not-allowed", async () => {
    const { socket } = await rawSession(ts.url, { username: "gina", resource: "twice" });
    socket.send(`<iq xmlns='jabber:client' type='set' id='b2'><bind xmlns='${NS.bind}'><resource>again</resource></bind></iq>`);
    const res = await socket.waitFor((e) => e.attrs.id === "b2");
    expect(res.attrs.type).toBe("error");
    expect(res.getChild("error")?.getChild("not-allowed", NS.stanzaErrors)).toBeDefined();
    socket.close();
  });
});
