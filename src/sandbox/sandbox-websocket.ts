/**
 * A WebSocket look-alike whose peer is the sandbox server in the Worker: the same readyState
 * values, `open`/`message`/`error`/`close` events (close with code, reason and wasClean), `send`,
 * `close(code, reason)` with the closing handshake, and `terminate()` (as `ws` has, for "app
 * killed": the server sees a dropped connection, no close frame). xmpp.js's WebSocket transport
 * drives it unchanged, so the XML console sees the same frames as over a real WebSocket.
 */
import { asFrameMessage, CLOSE_ABNORMAL, CLOSE_NORMAL, type FrameMessage } from "./protocol";
import { pageSandbox } from "./sandbox-client";

export type OpenPort = (protocols: string[]) => Promise<MessagePort>;

/** A close the server never echoes (its Worker died) still ends, as a browser's WebSocket would. */
const CLOSE_ECHO_TIMEOUT_MS = 5000;

export class SandboxCloseEvent extends Event {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly wasClean: boolean,
  ) {
    super("close");
  }
}

export class SandboxWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readonly url: string;
  readonly protocols: string[];
  readyState = SandboxWebSocket.CONNECTING;
  protocol = "";
  readonly bufferedAmount = 0;
  readonly extensions = "";
  binaryType: "blob" | "arraybuffer" = "blob";
  private port: MessagePort | null = null;
  /** close() called while still connecting: close as soon as the port arrives. */
  private closeWhenOpen: { code: number; reason: string } | null = null;
  private echoTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(url: string, protocols: string | string[] = [], openPort: OpenPort = (p) => pageSandbox().connect(p)) {
    super();
    this.url = url;
    this.protocols = typeof protocols === "string" ? [protocols] : [...protocols];
    openPort(this.protocols).then(
      (port) => this.attach(port),
      (err: unknown) => this.fail(err instanceof Error ? err.message : String(err)),
    );
  }

  send(data: string | Uint8Array): void {
    if (this.readyState === SandboxWebSocket.CONNECTING) throw new DOMException("SandboxWebSocket is still connecting", "InvalidStateError");
    if (this.readyState !== SandboxWebSocket.OPEN || !this.port) return;
    this.post({ t: "frame", data });
  }

  close(code = CLOSE_NORMAL, reason = ""): void {
    if (this.readyState === SandboxWebSocket.CONNECTING) {
      this.closeWhenOpen = { code, reason };
      this.readyState = SandboxWebSocket.CLOSING;
      return;
    }
    if (this.readyState !== SandboxWebSocket.OPEN) return;
    this.readyState = SandboxWebSocket.CLOSING;
    this.post({ t: "close", code, reason });
    this.echoTimer = setTimeout(() => this.closed(CLOSE_ABNORMAL, "the sandbox server did not answer the close", false), CLOSE_ECHO_TIMEOUT_MS);
  }

  /** Drops the connection without the closing handshake (the server sees code 1006). */
  terminate(): void {
    if (this.readyState === SandboxWebSocket.CLOSED) return;
    if (this.port) this.post({ t: "terminate" });
    this.closed(CLOSE_ABNORMAL, "", false);
  }

  private post(message: FrameMessage): void {
    this.port?.postMessage(message);
  }

  private attach(port: MessagePort): void {
    this.port = port;
    port.onmessage = (event: MessageEvent<unknown>) => this.onPortMessage(event.data);
    if (this.readyState === SandboxWebSocket.CLOSED) {
      this.post({ t: "terminate" });
      port.close();
      return;
    }
    if (this.closeWhenOpen) {
      this.post({ t: "terminate" });
      this.closed(CLOSE_ABNORMAL, "closed before the connection was established", false);
      return;
    }
    this.readyState = SandboxWebSocket.OPEN;
    this.protocol = this.protocols.includes("xmpp") ? "xmpp" : "";
    this.dispatchEvent(new Event("open"));
  }

  private onPortMessage(data: unknown): void {
    const message = asFrameMessage(data);
    if (!message || this.readyState === SandboxWebSocket.CLOSED) return;
    if (message.t === "frame") {
      if (this.readyState !== SandboxWebSocket.OPEN) return;
      this.dispatchEvent(new MessageEvent("message", { data: message.data }));
    } else if (message.t === "close") {
      // Server-initiated: echo (the closing handshake); our own close(): this is the echo.
      if (this.readyState === SandboxWebSocket.OPEN) this.post({ t: "close", code: message.code, reason: message.reason });
      this.closed(message.code, message.reason, true);
    } else {
      this.dispatchEvent(new Event("error"));
      this.closed(CLOSE_ABNORMAL, "", false);
    }
  }

  private fail(message: string): void {
    if (this.readyState === SandboxWebSocket.CLOSED) return;
    const error = new Event("error") as Event & { message?: string };
    error.message = message;
    this.dispatchEvent(error);
    this.closed(CLOSE_ABNORMAL, message, false);
  }

  private closed(code: number, reason: string, wasClean: boolean): void {
    if (this.readyState === SandboxWebSocket.CLOSED) return;
    this.readyState = SandboxWebSocket.CLOSED;
    if (this.echoTimer) clearTimeout(this.echoTimer);
    this.port?.close();
    this.dispatchEvent(new SandboxCloseEvent(code, reason, wasClean));
  }
}
