/**
 * A raw XEP-0198 client for tests: a RawSocket that counts the stanzas it receives after
 * `<enabled/>` (or from the `h` it resumed with), answers the server's `<r/>` with the exact count
 * unless told not to, and can drop its socket without `<close/>` (the "app killed" case).
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { parseElement, rawLogin, type RawSocket } from "./raw-socket";

export interface SmClient {
  readonly socket: RawSocket;
  /** The full JID the session is bound to. */
  readonly jid: string;
  /** Resumption id from `<enabled/>`, null without `resume`. */
  readonly id: string | null;
  /** `max` from `<enabled/>` (seconds), null without `resume`. */
  readonly max: number | null;
  /** Stanzas received since SM started: the `h` a correct client reports. */
  readonly h: number;
  /** Every stanza received since SM started, in order. */
  readonly stanzas: readonly Element[];
  /** How many `<r/>` the server sent so far. */
  readonly requests: number;
  /** Answer the server's `<r/>` with `<a h/>` (default true). */
  autoAck: boolean;
  /** Send `<a h/>` with the current count (or the given value). */
  ack(h?: number): void;
  /** Drop the TCP connection: no `<close/>`, no WebSocket close frame. */
  terminate(): void;
}

const STANZAS = new Set(["message", "presence", "iq"]);

class Counter implements SmClient {
  h: number;
  readonly stanzas: Element[] = [];
  requests = 0;
  autoAck = true;
  counting = false;

  constructor(
    readonly socket: RawSocket,
    readonly jid: string,
    public id: string | null,
    public max: number | null,
    start: number,
  ) {
    this.h = start;
    socket.ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      let el: Element;
      try {
        el = parseElement(text);
      } catch {
        return;
      }
      if (el.is("enabled", NS.sm) || el.is("resumed", NS.sm)) this.counting = true;
      if (!this.counting) return;
      if (STANZAS.has(el.name)) {
        this.h = (this.h + 1) % 2 ** 32;
        this.stanzas.push(el);
      } else if (el.is("r", NS.sm)) {
        this.requests++;
        if (this.autoAck) this.ack();
      }
    });
  }

  ack(h = this.h): void {
    if (this.socket.ws.readyState === this.socket.ws.OPEN) this.socket.send(`<a xmlns='${NS.sm}' h='${h}'/>`);
  }

  terminate(): void {
    this.socket.ws.terminate();
  }
}

/** Logs in, binds `resource`, sends `<enable/>` (with resume unless `resume: false`) and waits for `<enabled/>`. */
export async function smSession(
  url: string,
  options: { domain?: string; username: string; password?: string; resource: string; resume?: boolean; max?: number },
): Promise<SmClient> {
  const { socket } = await rawLogin(url, options);
  socket.send(`<iq xmlns='${NS.client}' type='set' id='bind1'><bind xmlns='${NS.bind}'><resource>${options.resource}</resource></bind></iq>`);
  const bound = await socket.waitFor((e) => e.is("iq") && e.attrs.id === "bind1");
  const jid = bound.getChild("bind", NS.bind)?.getChildText("jid");
  if (bound.attrs.type !== "result" || !jid) throw new Error(`bind failed: ${bound.toString()}`);
  const counter = new Counter(socket, jid, null, null, 0);
  const resume = options.resume ?? true;
  const max = options.max === undefined ? "" : ` max='${options.max}'`;
  socket.send(`<enable xmlns='${NS.sm}'${resume ? " resume='true'" : ""}${max}/>`);
  const enabled = await socket.waitFor((e) => e.getNS() === NS.sm && (e.is("enabled") || e.is("failed")));
  if (!enabled.is("enabled")) throw new Error(`enable failed: ${enabled.toString()}`);
  counter.id = typeof enabled.attrs.id === "string" ? enabled.attrs.id : null;
  counter.max = typeof enabled.attrs.max === "string" ? Number(enabled.attrs.max) : null;
  return counter;
}

/**
 * Logs in on a new socket and sends `<resume previd h/>`. Resolves with the server's answer
 * (`<resumed/>` or `<failed/>`) and, after `<resumed/>`, a client that keeps counting from `h`.
 */
export async function smResume(
  url: string,
  options: { domain?: string; username: string; password?: string; previd: string; h: number; jid?: string },
): Promise<{ answer: Element; client: SmClient | null; socket: RawSocket }> {
  const { socket } = await rawLogin(url, options);
  const counter = new Counter(socket, options.jid ?? "", options.previd, null, options.h);
  socket.send(`<resume xmlns='${NS.sm}' previd='${options.previd}' h='${options.h}'/>`);
  const answer = await socket.waitFor((e) => e.getNS() === NS.sm && (e.is("resumed") || e.is("failed")));
  return { answer, client: answer.is("resumed") ? counter : null, socket };
}
