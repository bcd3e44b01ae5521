/** The seam to the session manager (src/server/types.ts), exercised with a recording sink. */
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { rawSession, startTestServer, type TestServer } from "../test-support";
import type { ClientSession, StanzaSink } from "../types";

type Event =
  | { kind: "bound"; session: ClientSession }
  | { kind: "stanza"; session: ClientSession; stanza: Element }
  | { kind: "closed"; session: ClientSession; reason: string };

class RecordingSink implements StanzaSink {
  readonly events: Event[] = [];
  throwOnStanza = false;
  sessionBound(session: ClientSession): void {
    this.events.push({ kind: "bound", session });
  }
  stanza(session: ClientSession, stanza: Element): void {
    if (this.throwOnStanza) throw new Error("sink exploded");
    this.events.push({ kind: "stanza", session, stanza });
  }
  sessionClosed(session: ClientSession, reason: "closed" | "dropped" | "error" | "replaced"): void {
    this.events.push({ kind: "closed", session, reason });
  }
  closedReasons(jid: string): string[] {
    return this.events.flatMap((e) => (e.kind === "closed" && e.session.jid === jid ? [e.reason] : []));
  }
}

let ts: TestServer | null = null;
afterEach(async () => {
  await ts?.close();
  ts = null;
});

async function withSink(): Promise<{ sink: RecordingSink; url: string }> {
  const sink = new RecordingSink();
  ts = await startTestServer({ sink });
  return { sink, url: ts.url };
}

describe("stream layer → StanzaSink", () => {
  it("reports the bound session with its JIDs after the bind result went out", async () => {
    const { sink, url } = await withSink();
    const { jid } = await rawSession(url, { username: "Alice", resource: "phone" });
    expect(jid).toBe("alice@localhost/phone");
    const bound = sink.events.find((e) => e.kind === "bound");
    expect(bound?.session).toMatchObject({
      jid: "alice@localhost/phone",
      account: "alice@localhost",
      local: "alice",
      domain: "localhost",
      resource: "phone",
    });
    expect(bound?.session.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("stamps from with the full JID and sets jabber:client on stanzas handed to the sink", async () => {
    const { sink, url } = await withSink();
    const { socket } = await rawSession(url, { username: "bob", resource: "r" });
    socket.send(`<message to='carol@localhost' id='m1'><body>hi</body></message>`);
    socket.send(`<presence xmlns='jabber:client' from='bob@localhost'/>`);
    await expect.poll(() => sink.events.filter((e) => e.kind === "stanza").length).toBe(2);
    const [message, presence] = sink.events.flatMap((e) => (e.kind === "stanza" ? [e.stanza] : []));
    expect(message?.attrs).toMatchObject({ from: "bob@localhost/r", to: "carol@localhost", id: "m1", xmlns: NS.client });
    expect(presence?.attrs.from).toBe("bob@localhost/r");
    socket.close();
  });

  it("delivers what the sink sends through ClientSession.send, adding jabber:client", async () => {
    const { sink, url } = await withSink();
    const { socket } = await rawSession(url, { username: "dave", resource: "r" });
    const bound = sink.events.find((e) => e.kind === "bound");
    bound?.session.send(xml("message", { from: "erin@localhost/x", to: "dave@localhost/r" }, xml("body", {}, "pushed")));
    const got = await socket.waitFor((e) => e.is("message"));
    expect(got.attrs.xmlns).toBe(NS.client);
    expect(got.getChildText("body")).toBe("pushed");
    socket.close();
  });

  it.each([
    ["client <close/>", "closed"],
    ["socket dropped", "dropped"],
    ["stream error", "error"],
    ["closeWithStreamError('conflict')", "replaced"],
  ])("reports sessionClosed exactly once after %s → %s", async (how, reason) => {
    const { sink, url } = await withSink();
    const { socket, jid } = await rawSession(url, { username: "frank", resource: "r" });
    if (how === "client <close/>") socket.send(`<close xmlns='${NS.framing}'/>`);
    else if (how === "socket dropped") socket.ws.terminate();
    else if (how === "stream error") socket.send(`<message from='mallory@localhost/x'/>`);
    else sink.events.find((e) => e.kind === "bound")?.session.closeWithStreamError("conflict", "Replaced by new connection");
    await socket.closed;
    await expect.poll(() => sink.closedReasons(jid)).toEqual([reason]);
    if (how === "closeWithStreamError('conflict')") expect(socket.frames.join("")).toContain("<conflict");
  });

  it("keeps the stream up when the sink throws, answering an iq with internal-server-error", async () => {
    const { sink, url } = await withSink();
    const { socket } = await rawSession(url, { username: "gina", resource: "r" });
    sink.throwOnStanza = true;
    socket.send(`<iq xmlns='jabber:client' type='get' id='x1' to='localhost'><query xmlns='${NS.discoInfo}'/></iq>`);
    const reply = await socket.waitFor((e) => e.attrs.id === "x1");
    expect(reply.attrs.type).toBe("error");
    expect(reply.getChild("error")?.getChild("internal-server-error", NS.stanzaErrors)).toBeDefined();
    sink.throwOnStanza = false;
    socket.send(`<message xmlns='jabber:client' to='h@localhost' id='after'/>`);
    await expect.poll(() => sink.events.some((e) => e.kind === "stanza" && e.stanza.attrs.id === "after")).toBe(true);
    socket.close();
  });
});

describe("frame logging", () => {
  it("logs frames at debug level with SASL credentials masked", async () => {
    const lines: string[] = [];
    const logger = {
      debug: (msg: string, data?: Record<string, unknown>) => lines.push(`${msg} ${JSON.stringify(data)}`),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    ts = await startTestServer({ logger, logFrames: true, sink: new RecordingSink() });
    const { socket } = await rawSession(ts.url, { username: "logged", password: "topsecret" });
    const secret = Buffer.from("\u0000logged\u0000topsecret").toString("base64");
    expect(lines.some((l) => l.startsWith("frame in") && l.includes("mechanism=") && l.includes("[masked]"))).toBe(true);
    expect(lines.some((l) => l.startsWith("frame out") && l.includes("stream:features"))).toBe(true);
    expect(lines.join("\n")).not.toContain(secret);
    socket.close();
  });
});
