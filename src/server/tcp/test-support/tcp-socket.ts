/**
 * A bare XMPP-over-TCP client for tests: what it receives is cut into RFC 7395-style frames by the
 * server's own XmlStreamFramer (the server's `<stream:stream>` header reads as `<open/>`, its
 * `</stream:stream>` as `<close/>`), so tests written against the raw WebSocket client read the
 * same frames from either transport. STARTTLS uses Node's `tls` and trusts only the given CA.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, createSecureContext, type SecureContext } from "node:tls";
import type { Element } from "@xmpp/xml";
import { NS } from "../../../protocol/ns";
import { parseElement, streamErrorOf, type RawSocket, type StreamErrorInfo } from "../../test-support/raw-socket";
import { XmlStreamFramer } from "../xml-stream-framer";

const DEFAULT_TIMEOUT = 5000;
const TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";

/** What tests use of a raw stream, whichever transport carries it. */
export type StreamSocket = Omit<RawSocket, "ws" | "send"> & {
  /** Writes a string or raw bytes as they are (over WebSocket: one text frame). */
  send(data: string | Buffer): void;
};

/**
 * TLS client state shared by many connections (the fuzzer's thousands of handshakes): one
 * SecureContext, so the CA is parsed once, and the newest session ticket, so a handshake resumes
 * (TLS 1.3 PSK with a fresh ECDHE) instead of signing and verifying the certificate again.
 */
export interface TlsClientCache {
  readonly context: SecureContext;
  session?: Buffer;
  /** Handshakes completed with this cache, and how many of them resumed a session. */
  handshakes: number;
  resumed: number;
}

export function tlsClientCache(ca: string): TlsClientCache {
  return { context: createSecureContext({ ca }), handshakes: 0, resumed: 0 };
}

export interface TcpSocket extends StreamSocket {
  /** `<starttls/>`, `<proceed/>`, the TLS handshake trusting `ca` for `servername` (or `cache`'s context, resuming its session). */
  startTls(ca: string, servername?: string, cache?: TlsClientCache): Promise<void>;
  /** Header, STARTTLS, header again: returns the SASL features. */
  openSecure(ca: string, domain?: string, cache?: TlsClientCache): Promise<Element>;
  /** Drops the connection without `</stream:stream>` (the "app killed" or network-change case). */
  terminate(): void;
}

export function tcpHeader(domain = "localhost", extra = ""): string {
  return `<?xml version='1.0'?><stream:stream xmlns='${NS.client}' xmlns:stream='${NS.streams}' to='${domain}' version='1.0'${extra}>`;
}

/** A WebSocket-framing test input as TCP input: our `<open …/>` becomes the stream header. */
export function tcpInput(frame: string): string {
  return frame.replace(new RegExp(`<open xmlns='${NS.framing}'((?: [\\w:-]+='[^']*')*)/>`, "g"), `<stream:stream xmlns='${NS.client}' xmlns:stream='${NS.streams}'$1>`);
}

/** `timeoutMs`: how long a read waits when the call names no timeout (the handshake steps name none). */
export function rawTcpSocket(port: number, host = "127.0.0.1", timeoutMs = DEFAULT_TIMEOUT): Promise<TcpSocket> {
  // No Nagle: a write the server does not answer (most stanzas) would otherwise hold the next one
  // until the server's delayed ACK, 40 ms on Linux.
  let socket: Socket = netConnect({ port, host, noDelay: true });
  const frames: string[] = [];
  let cursor = 0;
  let closedInfo: { code: number; reason: string } | null = null;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const framer = new XmlStreamFramer({ maxBytes: 64 * 1024 * 1024, maxDepth: 1000, maxAttributes: 10_000 }, (event) => {
    frames.push(event.kind === "frame" ? Buffer.from(event.bytes).toString("utf8") : `[unframeable server output: ${event.condition} ${event.text}]`);
    wake();
  });
  const onData = (chunk: Buffer): void => framer.push(chunk);
  socket.on("data", onData);
  socket.on("error", () => {
    // surfaced through `closed` and the connecting promise
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once("close", (hadError) => {
      closedInfo = { code: hadError ? 1006 : 1000, reason: "" };
      resolve(closedInfo);
      wake();
    });
  });

  const defaultTimeoutMs = timeoutMs;

  function next(timeoutMs = defaultTimeoutMs): Promise<string> {
    if (cursor < frames.length) return Promise.resolve(frames[cursor++] as string);
    return new Promise<string>((resolve, reject) => {
      const check = (): void => {
        if (cursor < frames.length) {
          done();
          resolve(frames[cursor++] as string);
        } else if (closedInfo) {
          done();
          reject(new Error(`socket closed with no further frame; got: ${frames.join(" | ")}`));
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

  async function waitFor(predicate: (el: Element) => boolean, timeoutMs = defaultTimeoutMs): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const el = await nextElement(Math.max(1, deadline - Date.now()));
      if (predicate(el)) return el;
    }
  }

  async function open(domain = "localhost"): Promise<Element> {
    socket.write(tcpHeader(domain));
    return waitFor((e) => e.is("features", NS.streams));
  }

  async function startTls(ca: string, servername = "localhost", cache?: TlsClientCache): Promise<void> {
    socket.write(`<starttls xmlns='${TLS_NS}'/>`);
    await waitFor((e) => e.is("proceed", TLS_NS));
    socket.off("data", onData);
    framer.reset();
    const secure = cache ? tlsConnect({ socket, secureContext: cache.context, servername, session: cache.session }) : tlsConnect({ socket, ca, servername });
    if (cache) {
      secure.on("session", (session: Buffer) => {
        cache.session = session;
      });
    }
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      secure.once("error", reject);
    });
    if (cache) {
      cache.handshakes++;
      if (secure.isSessionReused()) cache.resumed++;
    }
    secure.on("data", onData);
    secure.on("error", () => {
      // surfaced through `closed`
    });
    socket = secure;
  }

  const tcp: TcpSocket = {
    frames,
    closed,
    isClosed: () => closedInfo !== null,
    send(data) {
      socket.write(data);
    },
    next,
    nextElement,
    waitFor,
    async streamError(timeoutMs) {
      const el = await waitFor((e) => e.is("error", NS.streams), timeoutMs);
      return streamErrorOf(el) as StreamErrorInfo;
    },
    open,
    startTls,
    async openSecure(ca, domain = "localhost", cache) {
      const features = await open(domain);
      if (!features.getChild("starttls", TLS_NS)) throw new Error(`no <starttls/> offered: ${features.toString()}`);
      await startTls(ca, "localhost", cache);
      return open(domain);
    },
    close() {
      socket.end("</stream:stream>");
    },
    terminate() {
      socket.destroy();
    },
  };

  return new Promise<TcpSocket>((resolve, reject) => {
    socket.once("connect", () => resolve(tcp));
    socket.once("error", reject);
  });
}

/** A TCP stream secured with STARTTLS, authenticated with PLAIN and bound (the TCP `rawSession`). */
export async function rawTcpSession(
  port: number,
  ca: string,
  options: { domain?: string; username: string; password?: string; resource?: string; tls?: TlsClientCache; timeoutMs?: number },
): Promise<{ socket: TcpSocket; jid: string }> {
  const { domain = "localhost", username, password = "pass", resource } = options;
  const socket = await rawTcpSocket(port, "127.0.0.1", options.timeoutMs);
  await socket.openSecure(ca, domain, options.tls);
  socket.send(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${Buffer.from(`\u0000${username}\u0000${password}`).toString("base64")}</auth>`);
  const outcome = await socket.waitFor((e) => e.getNS() === NS.sasl);
  if (!outcome.is("success")) throw new Error(`SASL failed: ${outcome.toString()}`);
  await socket.open(domain);
  const res = resource ? `<resource>${resource}</resource>` : "";
  socket.send(`<iq type='set' id='bind1'><bind xmlns='${NS.bind}'>${res}</bind></iq>`);
  const bound = await socket.waitFor((e) => e.is("iq") && e.attrs.id === "bind1");
  const jid = bound.getChild("bind", NS.bind)?.getChildText("jid");
  if (bound.attrs.type !== "result" || !jid) throw new Error(`bind failed: ${bound.toString()}`);
  return { socket, jid };
}
