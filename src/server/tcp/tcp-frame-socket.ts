/**
 * A TCP connection (RFC 6120) as a FrameSocket, so the same StreamConnection serves it: inbound
 * bytes go through the XmlStreamFramer; outbound, our `<open/>` becomes a `<stream:stream>` header
 * and `<close/>` becomes `</stream:stream>`, and every other frame is already valid inside a TCP
 * stream (stanzas carry `xmlns='jabber:client'`, `<stream:features/>` and `<stream:error/>` declare
 * their prefix). `startTls` upgrades the socket in place after `<proceed/>` (Node's TLSSocket).
 */
import type { Socket } from "node:net";
import { TLSSocket, type SecureContext } from "node:tls";
import { NS } from "../../protocol/ns";
import { parseElement } from "../../protocol/stanzas/parse";
import type { FrameLimits } from "../stream/frame-parser";
import { FRAME_SOCKET_OPEN, type FrameSocket } from "../stream/frame-socket";
import { XmlStreamFramer, type FramerEvent } from "./xml-stream-framer";

const CLOSING = 2;
const CLOSED = 3;

type FrameListener = (data: Uint8Array, isBinary: boolean) => void;

export class TcpFrameSocket implements FrameSocket {
  private socket: Socket;
  private state = FRAME_SOCKET_OPEN;
  private readonly framer: XmlStreamFramer;
  private readonly frameListeners: FrameListener[] = [];
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];
  private readonly errorListeners: ((err: Error) => void)[] = [];
  private readonly streamErrorListeners: ((condition: string, text: string) => void)[] = [];
  private readonly onData = (chunk: Buffer): void => this.framer.push(chunk);

  constructor(
    private readonly raw: Socket,
    limits: FrameLimits,
    /** Whether the socket is TLS already (direct TLS, XEP-0368). */
    readonly directTls: boolean,
  ) {
    this.socket = raw;
    this.framer = new XmlStreamFramer(limits, (event) => this.onFramerEvent(event));
    raw.on("data", this.onData);
    raw.on("error", (err) => this.errorListeners.forEach((l) => l(err)));
    raw.once("close", (hadError) => {
      this.state = CLOSED;
      this.framer.halt();
      this.closeListeners.forEach((l) => l(hadError ? 1006 : 1000, ""));
    });
  }

  get readyState(): number {
    return this.state === FRAME_SOCKET_OPEN && !this.socket.destroyed && this.socket.writable ? FRAME_SOCKET_OPEN : this.state === FRAME_SOCKET_OPEN ? CLOSING : this.state;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  get encrypted(): boolean {
    return this.socket instanceof TLSSocket;
  }

  send(frame: string, done?: (err?: Error) => void): void {
    this.socket.write(toTcp(frame), "utf8", (err) => done?.(err ?? undefined));
  }

  close(): void {
    if (this.state !== FRAME_SOCKET_OPEN) return;
    this.state = CLOSING;
    this.framer.halt();
    // RFC 6120 §4.4: we sent </stream:stream>; ending our half lets the peer close its own.
    this.socket.end();
  }

  terminate(): void {
    this.state = CLOSING;
    this.framer.halt();
    this.socket.destroy();
    if (this.socket !== this.raw) this.raw.destroy();
  }

  onFrame(listener: FrameListener): void {
    this.frameListeners.push(listener);
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  onError(listener: (err: Error) => void): void {
    this.errorListeners.push(listener);
  }

  onStreamError(listener: (condition: string, text: string) => void): void {
    this.streamErrorListeners.push(listener);
  }

  /**
   * After `<proceed/>` went out: the TLS handshake on the same connection, then a fresh stream (the
   * client sends a new header). Rejects, and drops the connection, when the handshake fails.
   */
  startTls(context: SecureContext, handshakeTimeoutMs: number): Promise<void> {
    this.raw.off("data", this.onData);
    this.framer.reset();
    const secure = new TLSSocket(this.raw, { isServer: true, secureContext: context });
    this.socket = secure;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no TLS handshake within ${handshakeTimeoutMs} ms`)), handshakeTimeoutMs);
      timer.unref?.();
      const fail = (err: Error): void => {
        clearTimeout(timer);
        this.terminate();
        reject(err);
      };
      secure.once("secure", () => {
        clearTimeout(timer);
        secure.off("error", fail);
        secure.on("error", (err) => this.errorListeners.forEach((l) => l(err)));
        secure.on("data", this.onData);
        resolve();
      });
      secure.once("error", fail);
    });
  }

  private onFramerEvent(event: FramerEvent): void {
    if (event.kind === "error") {
      this.streamErrorListeners.forEach((l) => l(event.condition, event.text));
      return;
    }
    // RFC 6120 §5.4.3.3: the client sends nothing after <starttls/> until <proceed/>; what it
    // sends anyway is not part of either stream.
    if (event.name === "starttls" && !this.encrypted) this.framer.halt();
    this.frameListeners.forEach((l) => l(event.bytes, false));
  }
}

/** Our RFC 7395 frame as RFC 6120 TCP output. */
export function toTcp(frame: string): string {
  if (frame.startsWith("<close")) return "</stream:stream>";
  if (!frame.startsWith("<open")) return frame;
  const parsed = parseElement(frame, { maxDepth: 2, maxAttributes: 16 });
  if (!parsed.ok) return frame;
  const attrs = Object.entries(parsed.element.attrs)
    .filter(([name, value]) => name !== "xmlns" && typeof value === "string")
    .map(([name, value]) => ` ${name}='${escapeAttr(String(value))}'`)
    .join("");
  return `<?xml version='1.0'?><stream:stream xmlns='${NS.client}' xmlns:stream='${NS.streams}'${attrs}>`;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/'/g, "&apos;").replace(/</g, "&lt;");
}
