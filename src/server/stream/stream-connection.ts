/**
 * One XMPP-over-WebSocket stream (RFC 7395) from `<open/>` to `<close/>`: the socket, the frame
 * queue, output and the stream's end. The phases are handled apart, over one shared context
 * (stream-context.ts): negotiation.ts (header checks, SASL, restart, bind), stanza-gate.ts (the
 * established stream's stanzas) and sm-handler.ts (XEP-0198 elements and our `<r/>`).
 *
 * Every frame is handled in order on a per-connection queue (SASL steps are async). Anything a
 * client sends that RFC 6120 calls a stream error ends this stream only: send `<open/>` first if
 * the stream was never opened (RFC 7395 §3.6.1), then `<stream:error/>`, then `<close/>`, then close
 * the WebSocket. Nothing here throws into the socket's event loop.
 *
 * Choices where the RFCs leave room (each answers a specific input with a specific condition):
 * - binary WebSocket frame → `unsupported-encoding` (RFC 7395 §3.2: frames are UTF-8 text);
 *   invalid UTF-8 → `unsupported-encoding` (RFC 6120 §4.9.3.22 names UTF-8 violations).
 * - frame over the size cap → `policy-violation`; depth > 128 or > 128 attributes on one element
 *   → `policy-violation` (cheap to parse, but we refuse to hold or re-serialise them).
 * - `<stream:stream>` (TCP framing) as opener → `invalid-namespace`, with a text saying how to open.
 * - `<open/>` at any time other than the start or right after SASL success → `invalid-xml`
 *   (RFC 7395 defines no other restart; `not-authorized` would blame credentials).
 * - `<close/>` before `<open/>` → our `<open/>`, then `<close/>`: a clean close, not an error.
 * - stanza before authentication or before bind → `not-authorized`; any other unexpected
 *   top-level element (unknown namespace, SASL after success, XEP-0198 not offered) →
 *   `unsupported-stanza-type`.
 * - stanzas without a namespace count as jabber:client (as Prosody does), although RFC 7395
 *   §3.3.3 wants each frame to declare it.
 * - SASL: 5 failed attempts per stream, then `policy-violation`.
 *
 * XEP-0198 Stream Management (when `streamManagement` is on): `<sm/>` is offered with bind after
 * the SASL restart. `<enable/>` after bind (with `resume`: an id and our `max`), `<r/>`/`<a/>`
 * counting (stream-management.ts), `<resume/>` after the restart and before bind. A socket that
 * goes away without `<close/>` while resumption is on hibernates the session (resumption.ts)
 * instead of ending it. Our own `<r/>`: once 5 stanzas are unacknowledged, or 1 s after the first
 * unacknowledged one, and never twice for the same count (a client that miscounts gets no loop).
 * Misuse is answered like Prosody and ejabberd do: `<failed><unexpected-request/>` for `<enable/>`
 * before bind or twice, `<resume/>` after bind, `<r/>`/`<a/>` before `<enable/>`;
 * `<failed><item-not-found/>` for an unknown or expired id; a stream error `undefined-condition`
 * for an `h` that goes backwards or past what we sent, `invalid-xml` for an `h` that is no number.
 */
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { Logger, SessionCloseReason } from "../types";
import { randomBytes, toBase64url } from "./bytes";
import { STANZA_NAMES, type SessionTransport } from "./bound-session";
import { buildStanzaErrorReply, buildStreamErrorFrame, type StanzaErrorType } from "./errors";
import { decodeUtf8, parseFrame } from "./frame-parser";
import { FRAME_SOCKET_OPEN, type FrameSocket } from "./frame-socket";
import { Negotiation, NS_TLS } from "./negotiation";
import { StreamManagementHandler } from "./sm-handler";
import { serializeElement } from "./serialize";
import { deliverStanza } from "./stanza-gate";
import type { StreamConnectionOptions, StreamContext, StreamFields } from "./stream-context";
import type { StreamManagementState } from "./stream-management";

export type { StreamConnectionOptions } from "./stream-context";

/** Outbound bytes queued for one client before we give up on it. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class StreamConnection implements SessionTransport {
  readonly id = toBase64url(randomBytes(9));
  private readonly fields: StreamFields;
  /** Whether our `<open/>` went out (a stream error before it needs one first). */
  private opened = false;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly log: Logger;
  private readonly negotiation: Negotiation;
  private readonly sm: StreamManagementHandler;
  private readonly ctx: StreamContext;

  constructor(
    private readonly ws: FrameSocket,
    private readonly opts: StreamConnectionOptions,
  ) {
    this.fields = { phase: "awaiting-open", domain: opts.hosts[0] ?? "localhost", lang: "en", username: null, session: null, sessionReported: false };
    const base = { conn: this.id };
    this.log = {
      debug: (m, d) => opts.logger.debug(m, { ...base, ...d }),
      info: (m, d) => opts.logger.info(m, { ...base, ...d }),
      warn: (m, d) => opts.logger.warn(m, { ...base, ...d }),
      error: (m, d) => opts.logger.error(m, { ...base, ...d }),
    };
    this.ctx = {
      opts,
      log: this.log,
      fields: this.fields,
      transport: this,
      sendElement: (el) => this.sendElement(el),
      write: (frame) => this.write(frame),
      sendOpen: () => this.sendOpen(),
      closeWithStreamError: (condition, text) => this.closeWithStreamError(condition, text),
      replyError: (el, errorType, condition, text, from) => this.replyError(el, errorType, condition, text, from),
      clearHandshakeTimer: () => this.clearHandshakeTimer(),
      dropSocket: () => this.ws.terminate(),
      carriedSm: () => this.carriedSm(),
    };
    this.negotiation = new Negotiation(this.ctx);
    this.sm = new StreamManagementHandler(this.ctx);
    ws.onFrame((data, isBinary) => this.enqueue(data, isBinary));
    ws.onClose((code, reason) => this.onSocketClose(code, reason));
    ws.onError((err) => this.log.debug("socket error", { error: err.message }));
    ws.onStreamError?.((condition, text) => {
      this.queue = this.queue.then(() => this.closeWithStreamError(condition, text));
    });
    this.handshakeTimer = setTimeout(() => {
      this.closeWithStreamError("connection-timeout", `no resource bound within ${opts.handshakeTimeoutMs} ms`);
    }, opts.handshakeTimeoutMs);
    this.handshakeTimer.unref?.();
    this.log.debug("websocket connected", { remote: opts.remoteAddress });
  }

  get currentState(): string {
    return this.fields.phase;
  }

  get boundJid(): string | null {
    return this.fields.session?.jid ?? null;
  }

  // ---------------------------------------------------------------- output

  /** Writes an element; with stream management on, stanzas are counted and kept until acked. */
  sendElement(el: Element): void {
    const sm = this.carriedSm();
    if (sm && STANZA_NAMES.has(el.name)) {
      sm.recordOutbound(el);
      this.write(serializeElement(el));
      this.sm.scheduleAckRequest();
      return;
    }
    this.write(serializeElement(el));
  }

  /** The XEP-0198 state of the session this stream carries right now, if SM is enabled. */
  private carriedSm(): StreamManagementState | null {
    const session = this.fields.session;
    return session && session.isCarriedBy(this) ? session.sm : null;
  }

  private write(frame: string): void {
    if (this.ws.readyState !== FRAME_SOCKET_OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      // The client stopped reading; holding more for it would only grow memory.
      this.log.warn("client is not reading: dropping the connection", { buffered: this.ws.bufferedAmount, jid: this.fields.session?.jid });
      // sessionClosed(…, "dropped") follows from the socket's close event, not from inside send().
      this.fields.phase = "closing";
      this.ws.terminate();
      return;
    }
    if (this.opts.logFrames) this.log.debug("frame out", { xml: frame });
    this.ws.send(frame, (err) => {
      if (err) this.log.debug("write failed", { error: err.message });
    });
  }

  private sendOpen(): void {
    this.opened = true;
    this.write(
      xml("open", {
        xmlns: NS.framing,
        from: this.fields.domain,
        id: toBase64url(randomBytes(12)),
        version: "1.0",
        "xml:lang": this.fields.lang,
      }).toString(),
    );
  }

  /** Stream error → `<close/>` → close the WebSocket. Idempotent. */
  closeWithStreamError(condition: string, text?: string): void {
    if (this.fields.phase === "closing" || this.fields.phase === "closed") return;
    this.log.info("stream error", { condition, text, jid: this.fields.session?.jid, state: this.fields.phase });
    if (!this.opened) this.sendOpen();
    this.sm.sendFinalAck();
    this.write(serializeElement(buildStreamErrorFrame(condition, text)));
    this.finish(condition === "conflict" ? "replaced" : "error");
  }

  /** Server side shutdown (ReferenceServer.close). */
  shutdown(): void {
    this.closeWithStreamError("system-shutdown", "the reference server is shutting down");
  }

  /** Force the TCP connection down now (after a graceful attempt timed out). */
  terminate(): void {
    this.ws.terminate();
  }

  private finish(reason: SessionCloseReason): void {
    this.write(xml("close", { xmlns: NS.framing }).toString());
    this.fields.phase = "closing";
    this.clearHandshakeTimer();
    this.sm.clearAckTimer();
    this.reportSessionClosed(reason);
    this.ws.close(1000);
    // RFC 6455 closing handshake: a peer that never answers our close frame must not hold the socket.
    this.killTimer = setTimeout(() => this.ws.terminate(), this.opts.closeGraceMs);
    this.killTimer.unref?.();
  }

  private reportSessionClosed(reason: SessionCloseReason): void {
    const session = this.fields.session;
    if (!session || this.fields.sessionReported || !session.isCarriedBy(this)) return;
    this.fields.sessionReported = true;
    this.opts.resumption?.forget(session);
    // The session ends here, so whatever the client did not acknowledge goes back to the session manager.
    const unacked = session.sm?.drain() ?? [];
    session.end();
    this.log.debug("session closed", { jid: session.jid, reason, unacked: unacked.length });
    try {
      this.opts.sink.sessionClosed(session, reason, unacked);
    } catch (err) {
      this.log.error("session manager failed in sessionClosed", { error: err });
    }
  }

  private onSocketClose(code: number, reason: string): void {
    const clean = this.fields.phase === "closing";
    this.fields.phase = "closed";
    this.clearHandshakeTimer();
    this.sm.clearAckTimer();
    if (this.killTimer) clearTimeout(this.killTimer);
    this.log.debug("websocket closed", { code, reason, jid: this.fields.session?.jid, clean });
    const session = this.fields.session;
    if (session && !this.fields.sessionReported && session.isCarriedBy(this) && session.sm?.resumable && this.opts.resumption) {
      // XEP-0198: no <close/> came, so the client may come back and resume; until then the session
      // keeps its presence and its stanzas are queued.
      this.fields.sessionReported = true;
      this.opts.resumption.hibernate(session);
    } else {
      this.reportSessionClosed("dropped");
    }
    this.opts.onClosed?.(this);
  }

  /**
   * Another stream resumed the session this one carried (its socket was still open, e.g. a client
   * that reconnected before we noticed the old TCP connection died): end this stream without
   * touching the session.
   */
  releaseSession(): void {
    this.fields.sessionReported = true;
    this.sm.clearAckTimer();
    this.closeWithStreamError("conflict", "the session was resumed on another stream (XEP-0198)");
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  private replyError(el: Element, errorType: StanzaErrorType, condition: string, text?: string, from?: string): void {
    this.log.debug("stanza error", { condition, text, stanza: el.getName(), id: el.attrs.id });
    const spec = text === undefined ? { type: errorType, condition } : { type: errorType, condition, text };
    // The error goes back to this client: never to whatever 'from' the client claimed.
    this.sendElement(buildStanzaErrorReply(el, spec, { to: this.fields.session?.jid, from, serverDomain: this.fields.domain }));
  }

  // ---------------------------------------------------------------- input

  private enqueue(data: Uint8Array, isBinary: boolean): void {
    if (this.fields.phase === "closed") return;
    if (++this.queued > this.opts.maxQueuedFrames) {
      this.closeWithStreamError("policy-violation", "too many frames sent without waiting for the server");
      return;
    }
    this.queue = this.queue
      .then(() => this.onFrame(data, isBinary))
      .catch((err: unknown) => {
        this.log.error("internal error handling a frame", { error: err });
        this.closeWithStreamError("internal-server-error");
      })
      .finally(() => {
        this.queued--;
      });
  }

  private async onFrame(data: Uint8Array, isBinary: boolean): Promise<void> {
    const { phase } = this.fields;
    if (phase === "closing" || phase === "closed") return;
    if (data.length > this.opts.limits.maxBytes) {
      this.closeWithStreamError("policy-violation", `frame of ${data.length} bytes exceeds the ${this.opts.limits.maxBytes}-byte limit`);
      return;
    }
    if (isBinary) {
      this.closeWithStreamError("unsupported-encoding", "binary WebSocket frames are not allowed: XMPP frames are UTF-8 text (RFC 7395 §3.2)");
      return;
    }
    const text = decodeUtf8(data);
    if (text === null) {
      this.closeWithStreamError("unsupported-encoding", "frame is not valid UTF-8 (RFC 6120 §11.6)");
      return;
    }
    if (this.opts.logFrames) this.log.debug("frame in", { xml: maskSasl(text) });
    const parsed = parseFrame(text, this.opts.limits);
    if (!parsed.ok) {
      if (phase === "awaiting-open" && parsed.rootName !== undefined && localName(parsed.rootName) === "stream") {
        this.closeWithStreamError("invalid-namespace", tcpOpenerText);
        return;
      }
      this.closeWithStreamError(parsed.condition, parsed.reason);
      return;
    }
    await this.onElement(parsed.element);
  }

  /** Routes one top-level element by phase and namespace. */
  private async onElement(el: Element): Promise<void> {
    const ns: string = el.getNS() ?? "";
    const name = el.getName();
    const { phase } = this.fields;

    if (ns === NS.framing && name === "close") {
      this.onClientClose();
      return;
    }
    if (ns === NS.framing && name === "open") {
      if (phase === "awaiting-open" || phase === "awaiting-restart") this.negotiation.onOpen(el);
      else this.closeWithStreamError("invalid-xml", "<open/> is only allowed at the start of the stream and after SASL success (RFC 7395 §3.5)");
      return;
    }
    if (phase === "awaiting-open") {
      if (name === "stream" || name === "open") this.closeWithStreamError("invalid-namespace", name === "stream" ? tcpOpenerText : `<open/> must be in ${NS.framing} (RFC 7395 §3.4)`);
      else if (STANZA_NAMES.has(name)) this.closeWithStreamError("not-authorized", "stanza sent before the stream was opened and authenticated");
      else this.closeWithStreamError("invalid-xml", `expected <open xmlns='${NS.framing}'/> as the first frame (RFC 7395 §3.4)`);
      return;
    }
    if (phase === "awaiting-restart") {
      this.closeWithStreamError("not-authorized", "after SASL success the client must restart the stream with <open/> (RFC 6120 §6.4.6)");
      return;
    }
    if (ns === NS.sm && this.opts.streamManagement) {
      this.sm.onElement(el);
      return;
    }
    if (ns === NS_TLS && phase === "sasl" && this.opts.tls === "required-starttls") {
      await this.negotiation.onStartTls(el);
      return;
    }
    if (ns === NS.sasl) {
      if (phase === "sasl") await this.negotiation.onSasl(el);
      else this.closeWithStreamError("unsupported-stanza-type", "SASL negotiation is already complete");
      return;
    }
    const isStanza = STANZA_NAMES.has(name) && (ns === NS.client || ns === "");
    if (!isStanza) {
      this.closeWithStreamError("unsupported-stanza-type", `<${name}${ns ? ` xmlns='${ns}'` : ""}/> is not supported here`);
      return;
    }
    if (phase === "sasl") {
      this.closeWithStreamError("not-authorized", "stanza sent before SASL authentication (RFC 6120 §6.4)");
      return;
    }
    if (phase === "bind") {
      this.negotiation.onBeforeBound(el);
      return;
    }
    // XEP-0198 §4: every stanza received counts towards our h, whatever becomes of it.
    this.carriedSm()?.countInbound();
    deliverStanza(this.ctx, el);
  }

  private onClientClose(): void {
    if (this.fields.phase === "closing" || this.fields.phase === "closed") return;
    this.log.debug("client closed the stream", { jid: this.fields.session?.jid });
    if (!this.opened) this.sendOpen();
    this.sm.sendFinalAck();
    this.finish("closed");
  }
}

const tcpOpenerText = `this is XMPP over WebSocket (RFC 7395): open with <open xmlns='${NS.framing}' to='…' version='1.0'/>, not <stream:stream>`;

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon === -1 ? qname : qname.slice(colon + 1);
}

function maskSasl(frame: string): string {
  return /urn:ietf:params:xml:ns:xmpp-sasl/.test(frame) ? frame.replace(/>[^<]+</, ">[masked]<") : frame;
}
