/**
 * A deliberately small XMPP-over-WebSocket server for the client tests (Node, tests only): SASL
 * PLAIN for any password, resource binding, iq ping, and XEP-0198 with resumption, counting the
 * way RFC 6120/XEP-0198 servers do. It records what the client acknowledged and how each socket
 * ended, so tests can check the client from the server's side. Not the reference server
 * (src/server), which is developed separately.
 */
import type { AddressInfo } from "node:net";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { parse } from "ltx";
import { WebSocketServer } from "ws";
import type WebSocket from "ws";
import { NS } from "../../protocol/ns";

const DOMAIN = "localhost";

export interface ScriptedSession {
  id: string;
  jid: string;
  /** Client stanzas handled since `<enabled/>`: the `h` we report. */
  inbound: number;
  /** Stanzas we sent since `<enabled/>`. */
  outbound: number;
  /** Sent but not acknowledged, with their sequence numbers (re-sent after a resumption). */
  unacked: { seq: number; stanza: Element }[];
  /** Every `h` the client sent us, in order. */
  acks: number[];
  socket: WebSocket | null;
}

export interface SocketEnd {
  /** The client sent `</close>` (RFC 7395 `<close/>`) before the socket closed. */
  streamClosed: boolean;
  /** WebSocket close code: 1006 when the TCP connection vanished without a close frame. */
  code: number;
}

export class ScriptedSmServer {
  readonly url: string;
  readonly sessions = new Map<string, ScriptedSession>();
  readonly socketEnds: SocketEnd[] = [];
  connections = 0;
  /** Offer XEP-0198 after authentication. */
  offerSm = true;
  private nextId = 1;

  private constructor(private readonly wss: WebSocketServer) {
    const { port } = wss.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/xmpp-websocket`;
    wss.on("connection", (socket) => this.accept(socket));
  }

  static async start(): Promise<ScriptedSmServer> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "xmpp" });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    return new ScriptedSmServer(wss);
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** The only session with SM on, or the one with that id. */
  session(id?: string): ScriptedSession {
    const session = id ? this.sessions.get(id) : [...this.sessions.values()].at(-1);
    if (!session) throw new Error("no stream-management session yet");
    return session;
  }

  /** A chat message from bob to the session: sent now if attached, queued for resumption if not. */
  deliver(session: ScriptedSession, body: string): void {
    this.sendStanza(session, xml("message", { from: "bob@localhost/desk", to: session.jid, type: "chat" }, xml("body", {}, body)));
  }

  /** A presence to the session (e.g. a sibling resource's broadcast), counted like any stanza. */
  deliverPresence(session: ScriptedSession, from: string, show?: string): void {
    this.sendStanza(session, xml("presence", { xmlns: "jabber:client", from, to: session.jid }, ...(show ? [xml("show", {}, show)] : [])));
  }

  /** Asks the client for an ack. */
  requestAck(session: ScriptedSession): void {
    session.socket?.send(xml("r", { xmlns: NS.sm }).toString());
  }

  /** Forget every detached session, as a server does when the resumption window ends. */
  expireDetached(): void {
    for (const [id, session] of this.sessions) if (!session.socket) this.sessions.delete(id);
  }

  private sendStanza(session: ScriptedSession, stanza: Element): void {
    session.outbound += 1;
    session.unacked.push({ seq: session.outbound, stanza });
    session.socket?.send(stanza.toString());
  }

  private accept(socket: WebSocket): void {
    this.connections += 1;
    let authenticated = false;
    let jid = "";
    let session: ScriptedSession | null = null;
    let streamClosed = false;
    const send = (element: Element | string): void => socket.send(element.toString());
    const open = (): void => {
      send(xml("open", { xmlns: NS.framing, from: DOMAIN, id: `s${this.connections}`, version: "1.0", "xml:lang": "en" }));
      const features = authenticated
        ? [xml("bind", { xmlns: NS.bind }), ...(this.offerSm ? [xml("sm", { xmlns: NS.sm })] : [])]
        : [xml("mechanisms", { xmlns: NS.sasl }, xml("mechanism", {}, "PLAIN"))];
      send(xml("stream:features", { "xmlns:stream": NS.streams }, ...features));
    };

    socket.on("message", (data) => {
      const element = parse(String(data)) as Element;
      if (element.is("open", NS.framing)) return open();
      if (element.is("close", NS.framing)) {
        streamClosed = true;
        if (session) this.sessions.delete(session.id);
        send(xml("close", { xmlns: NS.framing }));
        return socket.close(1000);
      }
      if (element.is("auth", NS.sasl)) {
        const [, user] = Buffer.from(element.text(), "base64").toString("utf8").split("\0");
        jid = `${user}@${DOMAIN}`;
        authenticated = true;
        return send(xml("success", { xmlns: NS.sasl }));
      }
      if (element.attrs.xmlns === NS.sm) {
        session = this.onSm(element, socket, jid, session);
        return;
      }
      if (["iq", "message", "presence"].includes(element.name)) {
        if (session) session.inbound += 1;
        const bound = this.onStanza(element, send, jid, session);
        if (bound) jid = bound;
      }
    });

    socket.on("close", (code) => {
      this.socketEnds.push({ streamClosed, code });
      if (session && session.socket === socket) session.socket = null;
    });
  }

  /** Answers binding and ping; returns the full JID when it bound one. */
  private onStanza(stanza: Element, send: (e: Element) => void, jid: string, session: ScriptedSession | null): string | undefined {
    if (stanza.name !== "iq" || (stanza.attrs.type !== "get" && stanza.attrs.type !== "set")) return undefined;
    const reply = (...children: Element[]): void => {
      const result = xml("iq", { type: "result", id: stanza.attrs.id }, ...children);
      if (session) this.sendStanza(session, result);
      else send(result);
    };
    const binding = stanza.getChild("bind", NS.bind);
    if (binding) {
      const full = `${jid}/${binding.getChild("resource")?.text() || "r"}`;
      reply(xml("bind", { xmlns: NS.bind }, xml("jid", {}, full)));
      return full;
    }
    if (stanza.getChild("ping", NS.ping)) reply();
    return undefined;
  }

  private onSm(element: Element, socket: WebSocket, jid: string, current: ScriptedSession | null): ScriptedSession | null {
    const send = (e: Element): void => socket.send(e.toString());
    switch (element.name) {
      case "enable": {
        const session: ScriptedSession = { id: `sm-${this.nextId++}`, jid, inbound: 0, outbound: 0, unacked: [], acks: [], socket };
        this.sessions.set(session.id, session);
        send(xml("enabled", { xmlns: NS.sm, id: session.id, resume: "true", max: "300" }));
        return session;
      }
      case "resume": {
        const session = this.sessions.get(String(element.attrs.previd));
        if (!session || session.socket) {
          send(xml("failed", { xmlns: NS.sm }, xml("item-not-found", { xmlns: NS.stanzaErrors })));
          return current;
        }
        this.acknowledge(session, Number(element.attrs.h));
        session.socket = socket;
        send(xml("resumed", { xmlns: NS.sm, h: String(session.inbound), previd: session.id }));
        for (const { stanza } of session.unacked) send(stanza);
        return session;
      }
      case "r":
        if (current) send(xml("a", { xmlns: NS.sm, h: String(current.inbound) }));
        return current;
      case "a":
        if (current) this.acknowledge(current, Number(element.attrs.h));
        return current;
      default:
        return current;
    }
  }

  private acknowledge(session: ScriptedSession, h: number): void {
    session.acks.push(h);
    session.unacked = session.unacked.filter((item) => item.seq > h);
  }
}
