/**
 * A bare `ws` client speaking the `xmpp` subprotocol, for feeding the server malformed input and
 * reading exactly what comes back (tests only).
 */
import WebSocket from "ws";
import type { Element } from "@xmpp/xml";
import { parseFrame } from "../stream/frame-parser";
import { NS } from "../../protocol/ns";

export interface StreamErrorInfo {
  condition: string;
  text: string | null;
}

export interface RawSocket {
  readonly ws: WebSocket;
  /** Every text frame received so far, in order. */
  readonly frames: readonly string[];
  /** Resolves with the close code and reason once the WebSocket is closed (never rejects). */
  readonly closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  /** Send a text frame (a string) or raw bytes (`binary: false` sends bytes as a text frame). */
  send(frame: string | Buffer, options?: { binary?: boolean }): void;
  /** The next frame not yet returned by next()/nextElement(); rejects on timeout or close. */
  next(timeoutMs?: number): Promise<string>;
  nextElement(timeoutMs?: number): Promise<Element>;
  /** Skip frames until one matches; rejects on timeout or close. */
  waitFor(predicate: (el: Element) => boolean, timeoutMs?: number): Promise<Element>;
  /** Wait for a `<stream:error/>` and return its condition and text. */
  streamError(timeoutMs?: number): Promise<StreamErrorInfo>;
  /** Send `<open/>` for `domain` and wait for `<stream:features/>` (returned). */
  open(domain?: string): Promise<Element>;
  close(): void;
}

const DEFAULT_TIMEOUT = 5000;

export function parseElement(frame: string): Element {
  const parsed = parseFrame(frame, { maxBytes: Infinity, maxDepth: 1000, maxAttributes: 10_000 });
  if (!parsed.ok) throw new Error(`server sent an unparsable frame (${parsed.reason}): ${frame}`);
  return parsed.element;
}

export function streamErrorOf(el: Element): StreamErrorInfo | null {
  if (!el.is("error", NS.streams)) return null;
  const condition = el.getChildElements().find((c) => c.getNS() === NS.streamErrors && c.getName() !== "text");
  return { condition: condition?.getName() ?? "", text: el.getChildText("text", NS.streamErrors) };
}

export function rawSocket(url: string, options: { protocols?: string[] } = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, options.protocols ?? ["xmpp"]);
  const frames: string[] = [];
  let cursor = 0;
  let closedInfo: { code: number; reason: string } | null = null;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };

  ws.on("message", (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    frames.push(isBinary ? `[binary ${buf.length} bytes]` : buf.toString("utf8"));
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      closedInfo = { code, reason: reason.toString("utf8") };
      resolve(closedInfo);
      wake();
    });
  });
  ws.on("error", () => {
    // surfaced through `closed` and the opening promise
  });

  async function next(timeoutMs = DEFAULT_TIMEOUT): Promise<string> {
    if (cursor < frames.length) return frames[cursor++] as string;
    return new Promise<string>((resolve, reject) => {
      const check = (): void => {
        if (cursor < frames.length) {
          done();
          resolve(frames[cursor++] as string);
        } else if (closedInfo) {
          done();
          reject(new Error(`socket closed (${closedInfo.code} ${closedInfo.reason}) with no further frame; got: ${frames.join(" | ")}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no frame within ${timeoutMs} ms; got so far: ${frames.join(" | ")}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  async function nextElement(timeoutMs?: number): Promise<Element> {
    return parseElement(await next(timeoutMs));
  }

  async function waitFor(predicate: (el: Element) => boolean, timeoutMs = DEFAULT_TIMEOUT): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const el = await nextElement(Math.max(1, deadline - Date.now()));
      if (predicate(el)) return el;
    }
  }

  const socket: RawSocket = {
    ws,
    frames,
    closed,
    isClosed: () => closedInfo !== null,
    send(frame, opts = {}) {
      ws.send(frame, { binary: opts.binary ?? false });
    },
    next,
    nextElement,
    waitFor,
    async streamError(timeoutMs) {
      const el = await waitFor((e) => e.is("error", NS.streams), timeoutMs);
      return streamErrorOf(el) as StreamErrorInfo;
    },
    async open(domain = "localhost") {
      ws.send(`<open xmlns='${NS.framing}' to='${domain}' version='1.0'/>`);
      return waitFor((e) => e.is("features", NS.streams));
    },
    close() {
      ws.close();
    },
  };

  return new Promise<RawSocket>((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

/**
 * A raw socket authenticated with SASL PLAIN and restarted, but with no resource bound yet (the
 * point where XEP-0198 `<resume/>` goes). Returns the socket and the post-SASL stream features.
 */
export async function rawLogin(
  url: string,
  options: { domain?: string; username: string; password?: string },
): Promise<{ socket: RawSocket; features: Element }> {
  const { domain = "localhost", username, password = "pass" } = options;
  const socket = await rawSocket(url);
  await socket.open(domain);
  const creds = Buffer.from(`\u0000${username}\u0000${password}`, "utf8").toString("base64");
  socket.send(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${creds}</auth>`);
  const outcome = await socket.waitFor((e) => e.getNS() === NS.sasl);
  if (!outcome.is("success")) throw new Error(`SASL failed: ${outcome.toString()}`);
  const features = await socket.open(domain);
  return { socket, features };
}

/**
 * A raw socket with an authenticated (SASL PLAIN) and bound stream, for malformed input that only
 * makes sense after login. Returns the socket and the bound full JID.
 */
export async function rawSession(
  url: string,
  options: { domain?: string; username: string; password?: string; resource?: string },
): Promise<{ socket: RawSocket; jid: string }> {
  const { resource } = options;
  const { socket } = await rawLogin(url, options);
  const res = resource ? `<resource>${resource}</resource>` : "";
  socket.send(`<iq xmlns='${NS.client}' type='set' id='bind1'><bind xmlns='${NS.bind}'>${res}</bind></iq>`);
  const bound = await socket.waitFor((e) => e.is("iq") && e.attrs.id === "bind1");
  const jid = bound.getChild("bind", NS.bind)?.getChildText("jid");
  if (bound.attrs.type !== "result" || !jid) throw new Error(`bind failed: ${bound.toString()}`);
  return { socket, jid };
}
