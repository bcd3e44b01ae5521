/**
 * One XMPP-over-WebSocket stream (RFC 7395) from `<open/>` to `<close/>`: stream header checks,
 * SASL, the stream restart, resource binding, then stanzas to the session manager.
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
import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { AccountStore } from "../accounts";
import type { Logger, SessionCloseReason, StanzaSink } from "../types";
import { BoundSession, STANZA_NAMES, type SessionTransport } from "./bound-session";
import {
  buildSaslFailure,
  buildStanzaErrorReply,
  buildStreamErrorFrame,
  type SaslFailureCondition,
  type StanzaErrorType,
} from "./errors";
import { decodeUtf8, parseFrame, type FrameLimits } from "./frame-parser";
import { checkJid, isParsedJid, prepResourcepart, resourcepartProblem } from "../../protocol/jid";
import { isStrictBase64 } from "./scram";
import type { ResumableSessions } from "./resumption";
import { createSaslExchange, isSaslMechanismName, type SaslExchange, type SaslMechanismName } from "./sasl";
import {
  ACK_REQUEST_AFTER_STANZAS,
  ACK_REQUEST_DELAY_MS,
  buildSmFailed,
  parseH,
  StreamManagementState,
  withResendDelay,
} from "./stream-management";

export interface StreamConnectionOptions {
  /** Virtual hosts, lowercase; the first is the default `from` when a client names none. */
  hosts: readonly string[];
  accounts: AccountStore;
  sink: StanzaSink;
  logger: Logger;
  saslMechanisms: readonly SaslMechanismName[];
  limits: FrameLimits;
  /** Time allowed from connect until a resource is bound. */
  handshakeTimeoutMs: number;
  /** Failed SASL attempts allowed before the stream is closed with `policy-violation`. */
  maxAuthFailures: number;
  /** Frames queued but not yet handled before the stream is closed with `policy-violation`. */
  maxQueuedFrames: number;
  /** Log every frame in and out at debug level (SASL payloads masked). */
  logFrames: boolean;
  /** How long to wait for the WebSocket closing handshake before dropping the TCP connection. */
  closeGraceMs: number;
  /** Offer XEP-0198 after the SASL restart. */
  streamManagement: boolean;
  /** Longest hibernation we grant (our `max`); a client's smaller `max` is honoured. */
  resumptionTimeoutMs: number;
  /** Shared by every stream of the endpoint; required for `resume` (null: enable without ids). */
  resumption: ResumableSessions | null;
  remoteAddress?: string;
  onClosed?: (conn: StreamConnection) => void;
}

type State =
  | "awaiting-open"
  | "sasl"
  | "awaiting-restart"
  | "bind"
  | "bound"
  | "closing"
  | "closed";

const IQ_TYPES = new Set(["get", "set", "result", "error"]);
const WS_OPEN = 1;
/** Outbound bytes queued for one client before we give up on it. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class StreamConnection implements SessionTransport {
  readonly id = randomBytes(9).toString("base64url");
  private state: State = "awaiting-open";
  /** Whether our `<open/>` went out (a stream error before it needs one first). */
  private opened = false;
  private domain: string;
  private lang = "en";
  private username: string | null = null;
  private session: BoundSession | null = null;
  private sessionReported = false;
  private sasl: SaslExchange | null = null;
  private authFailures = 0;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** XEP-0198 on this stream: an `<r/>` is out, for which `outbound` value, and the delay timer. */
  private awaitingAck = false;
  private lastRequestedH: number | null = null;
  private ackTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: StreamConnectionOptions,
  ) {
    this.domain = opts.hosts[0] ?? "localhost";
    const base = { conn: this.id };
    this.log = {
      debug: (m, d) => opts.logger.debug(m, { ...base, ...d }),
      info: (m, d) => opts.logger.info(m, { ...base, ...d }),
      warn: (m, d) => opts.logger.warn(m, { ...base, ...d }),
      error: (m, d) => opts.logger.error(m, { ...base, ...d }),
    };
    ws.on("message", (data, isBinary) => this.enqueue(toBuffer(data), isBinary));
    ws.on("close", (code, reason) => this.onSocketClose(code, reason.toString("utf8")));
    ws.on("error", (err) => this.log.debug("socket error", { error: err.message }));
    this.handshakeTimer = setTimeout(() => {
      this.closeWithStreamError("connection-timeout", `no resource bound within ${opts.handshakeTimeoutMs} ms`);
    }, opts.handshakeTimeoutMs);
    this.handshakeTimer.unref?.();
    this.log.debug("websocket connected", { remote: opts.remoteAddress });
  }

  get currentState(): string {
    return this.state;
  }

  get boundJid(): string | null {
    return this.session?.jid ?? null;
  }

  // ---------------------------------------------------------------- output

  /** Writes an element; with stream management on, stanzas are counted and kept until acked. */
  sendElement(el: Element): void {
    const sm = this.carriedSm();
    if (sm && STANZA_NAMES.has(el.name)) {
      sm.recordOutbound(el);
      this.write(el.toString());
      this.scheduleAckRequest();
      return;
    }
    this.write(el.toString());
  }

  /** The XEP-0198 state of the session this stream carries right now, if SM is enabled. */
  private carriedSm(): StreamManagementState | null {
    const session = this.session;
    return session && session.isCarriedBy(this) ? session.sm : null;
  }

  private write(frame: string): void {
    if (this.ws.readyState !== WS_OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      // The client stopped reading; holding more for it would only grow memory.
      this.log.warn("client is not reading: dropping the connection", { buffered: this.ws.bufferedAmount, jid: this.session?.jid });
      // sessionClosed(…, "dropped") follows from the socket's close event, not from inside send().
      this.state = "closing";
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
        from: this.domain,
        id: randomBytes(12).toString("base64url"),
        version: "1.0",
        "xml:lang": this.lang,
      }).toString(),
    );
  }

  /** Stream error → `<close/>` → close the WebSocket. Idempotent. */
  closeWithStreamError(condition: string, text?: string): void {
    if (this.state === "closing" || this.state === "closed") return;
    this.log.info("stream error", { condition, text, jid: this.session?.jid, state: this.state });
    if (!this.opened) this.sendOpen();
    this.sendFinalAck();
    this.write(buildStreamErrorFrame(condition, text).toString());
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
    this.state = "closing";
    this.clearHandshakeTimer();
    this.clearAckTimer();
    this.reportSessionClosed(reason);
    this.ws.close(1000);
    // RFC 6455 closing handshake: a peer that never answers our close frame must not hold the socket.
    this.killTimer = setTimeout(() => this.ws.terminate(), this.opts.closeGraceMs);
    this.killTimer.unref?.();
  }

  private reportSessionClosed(reason: SessionCloseReason): void {
    const session = this.session;
    if (!session || this.sessionReported || !session.isCarriedBy(this)) return;
    this.sessionReported = true;
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
    const clean = this.state === "closing";
    this.state = "closed";
    this.clearHandshakeTimer();
    this.clearAckTimer();
    if (this.killTimer) clearTimeout(this.killTimer);
    this.log.debug("websocket closed", { code, reason, jid: this.session?.jid, clean });
    const session = this.session;
    if (session && !this.sessionReported && session.isCarriedBy(this) && session.sm?.resumable && this.opts.resumption) {
      // XEP-0198: no <close/> came, so the client may come back and resume; until then the session
      // keeps its presence and its stanzas are queued.
      this.sessionReported = true;
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
    this.sessionReported = true;
    this.clearAckTimer();
    this.closeWithStreamError("conflict", "the session was resumed on another stream (XEP-0198)");
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
  }

  // ---------------------------------------------------------------- input

  private enqueue(data: Buffer, isBinary: boolean): void {
    if (this.state === "closed") return;
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

  private async onFrame(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.state === "closing" || this.state === "closed") return;
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
      if (this.state === "awaiting-open" && parsed.rootName !== undefined && localName(parsed.rootName) === "stream") {
        this.closeWithStreamError("invalid-namespace", tcpOpenerText);
        return;
      }
      this.closeWithStreamError(parsed.condition, parsed.reason);
      return;
    }
    await this.onElement(parsed.element);
  }

  private async onElement(el: Element): Promise<void> {
    const ns: string = el.getNS() ?? "";
    const name = el.getName();

    if (ns === NS.framing && name === "close") {
      this.onClientClose();
      return;
    }
    if (ns === NS.framing && name === "open") {
      if (this.state === "awaiting-open" || this.state === "awaiting-restart") this.onOpen(el);
      else this.closeWithStreamError("invalid-xml", "<open/> is only allowed at the start of the stream and after SASL success (RFC 7395 §3.5)");
      return;
    }
    if (this.state === "awaiting-open") {
      if (name === "stream" || name === "open") this.closeWithStreamError("invalid-namespace", name === "stream" ? tcpOpenerText : `<open/> must be in ${NS.framing} (RFC 7395 §3.4)`);
      else if (STANZA_NAMES.has(name)) this.closeWithStreamError("not-authorized", "stanza sent before the stream was opened and authenticated");
      else this.closeWithStreamError("invalid-xml", `expected <open xmlns='${NS.framing}'/> as the first frame (RFC 7395 §3.4)`);
      return;
    }
    if (this.state === "awaiting-restart") {
      this.closeWithStreamError("not-authorized", "after SASL success the client must restart the stream with <open/> (RFC 6120 §6.4.6)");
      return;
    }
    if (ns === NS.sm && this.opts.streamManagement) {
      this.onSmElement(el);
      return;
    }
    if (ns === NS.sasl) {
      if (this.state === "sasl") await this.onSasl(el);
      else this.closeWithStreamError("unsupported-stanza-type", "SASL negotiation is already complete");
      return;
    }
    const isStanza = STANZA_NAMES.has(name) && (ns === NS.client || ns === "");
    if (!isStanza) {
      this.closeWithStreamError("unsupported-stanza-type", `<${name}${ns ? ` xmlns='${ns}'` : ""}/> is not supported here`);
      return;
    }
    if (this.state === "sasl") {
      this.closeWithStreamError("not-authorized", "stanza sent before SASL authentication (RFC 6120 §6.4)");
      return;
    }
    if (this.state === "bind") {
      this.onBeforeBound(el);
      return;
    }
    // XEP-0198 §4: every stanza received counts towards our h, whatever becomes of it.
    this.carriedSm()?.countInbound();
    this.onStanza(el);
  }

  private onClientClose(): void {
    if (this.state === "closing" || this.state === "closed") return;
    this.log.debug("client closed the stream", { jid: this.session?.jid });
    if (!this.opened) this.sendOpen();
    this.sendFinalAck();
    this.finish("closed");
  }

  private onOpen(el: Element): void {
    const restart = this.state === "awaiting-restart";
    const lang = el.attrs["xml:lang"];
    if (typeof lang === "string" && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(lang)) this.lang = lang;
    const to = typeof el.attrs.to === "string" ? el.attrs.to.toLowerCase().replace(/\.$/, "") : "";
    if (!restart && this.opts.hosts.includes(to)) this.domain = to;

    if (!to) return this.closeWithStreamError("host-unknown", "<open/> must name the virtual host in 'to' (RFC 7395 §3.4)");
    if (!this.opts.hosts.includes(to)) {
      return this.closeWithStreamError("host-unknown", `this server does not serve ${to}; virtual hosts: ${this.opts.hosts.join(", ")}`);
    }
    if (restart && to !== this.domain) {
      return this.closeWithStreamError("host-unknown", `stream restart must address ${this.domain}, the host authenticated against`);
    }
    const version = el.attrs.version;
    if (typeof version !== "string" || !/^\d+\.\d+$/.test(version)) {
      return this.closeWithStreamError("unsupported-version", "<open/> must carry version='1.0' (RFC 7395 §3.4)");
    }
    if (Number(version.split(".")[0]) !== 1) {
      return this.closeWithStreamError("unsupported-version", `version ${version} is not supported; this server speaks 1.0`);
    }
    this.sendOpen();
    if (restart) {
      this.state = "bind";
      this.sendElement(
        xml(
          "stream:features",
          { "xmlns:stream": NS.streams },
          xml("bind", { xmlns: NS.bind }),
          xml("session", { xmlns: NS.session }, xml("optional")),
          ...(this.opts.streamManagement ? [xml("sm", { xmlns: NS.sm })] : []),
        ),
      );
    } else {
      this.state = "sasl";
      this.sendElement(
        xml(
          "stream:features",
          { "xmlns:stream": NS.streams },
          xml("mechanisms", { xmlns: NS.sasl }, ...this.opts.saslMechanisms.map((m) => xml("mechanism", {}, m))),
        ),
      );
    }
    this.log.debug(restart ? "stream restarted" : "stream opened", { domain: this.domain, user: this.username });
  }

  // ---------------------------------------------------------------- SASL

  private async onSasl(el: Element): Promise<void> {
    const name = el.getName();
    if (name === "abort") {
      this.sasl = null;
      await this.saslFailed("aborted", "the client aborted the exchange");
      return;
    }
    if (name === "auth") {
      const mechanism = String(el.attrs.mechanism ?? "");
      if (!isSaslMechanismName(mechanism) || !this.opts.saslMechanisms.includes(mechanism)) {
        this.sasl = null;
        await this.saslFailed("invalid-mechanism", `mechanism ${JSON.stringify(mechanism)} is not offered (offered: ${this.opts.saslMechanisms.join(", ")})`);
        return;
      }
      const raw = el.text();
      const data = raw === "" ? null : decodeSaslBase64(raw);
      if (data === undefined) {
        await this.saslFailed("incorrect-encoding", "initial response is not valid base64");
        return;
      }
      // A new <auth/> replaces any exchange in progress.
      this.sasl = createSaslExchange(mechanism, { domain: this.domain, accounts: this.opts.accounts });
      await this.saslStep(data);
      return;
    }
    if (name === "response") {
      if (!this.sasl) {
        await this.saslFailed("malformed-request", "<response/> without an <auth/> in progress");
        return;
      }
      const data = decodeSaslBase64(el.text());
      if (data === undefined) {
        this.sasl = null;
        await this.saslFailed("incorrect-encoding", "response is not valid base64");
        return;
      }
      await this.saslStep(data ?? Buffer.alloc(0));
      return;
    }
    this.closeWithStreamError("unsupported-stanza-type", `<${name}/> is not a SASL element a client sends`);
  }

  private async saslStep(data: Buffer | null): Promise<void> {
    const exchange = this.sasl;
    if (!exchange) return;
    const step = await exchange.step(data);
    if (this.state !== "sasl" || this.sasl !== exchange) return; // closed or replaced meanwhile
    if (step.kind === "challenge") {
      this.sendElement(xml("challenge", { xmlns: NS.sasl }, step.data.length ? step.data.toString("base64") : "="));
      return;
    }
    this.sasl = null;
    if (step.kind === "failure") {
      await this.saslFailed(step.condition, step.text);
      return;
    }
    this.username = step.username;
    this.state = "awaiting-restart";
    const success = xml("success", { xmlns: NS.sasl });
    if (step.additionalData) success.t(step.additionalData.toString("base64"));
    this.sendElement(success);
    this.log.info(step.registered ? "account registered on first login" : "authenticated", {
      account: `${step.username}@${this.domain}`,
      mechanism: exchange.mechanism,
    });
  }

  private async saslFailed(condition: SaslFailureCondition, text: string): Promise<void> {
    this.authFailures++;
    this.log.info("SASL failure", { condition, text, attempt: this.authFailures, domain: this.domain });
    this.sendElement(buildSaslFailure(condition, text));
    if (this.authFailures >= this.opts.maxAuthFailures) {
      this.closeWithStreamError("policy-violation", `${this.authFailures} failed authentication attempts`);
    }
  }

  // ---------------------------------------------------------------- bind

  private onBeforeBound(el: Element): void {
    const bind = el.getChild("bind", NS.bind);
    if (el.getName() !== "iq" || el.attrs.type !== "set" || !bind) {
      this.closeWithStreamError("not-authorized", "stanza sent before resource binding (RFC 6120 §7)");
      return;
    }
    if (typeof el.attrs.id !== "string" || el.attrs.id === "") {
      this.replyError(el, "modify", "bad-request", "iq without id");
      return;
    }
    const requested = bind.getChildText("resource");
    let resource: string;
    if (requested === null || requested.trim() === "") {
      resource = `xpp-${randomBytes(6).toString("hex")}`;
    } else {
      const problem = resourcepartProblem(requested);
      if (problem) {
        this.replyError(el, "modify", "bad-request", `resource rejected: ${problem}`);
        return;
      }
      resource = prepResourcepart(requested);
    }
    const username = this.username ?? "";
    const session = new BoundSession(this, username, this.domain, resource);
    this.session = session;
    this.state = "bound";
    this.clearHandshakeTimer();
    // The bind result goes out before the session manager can send anything to the new session.
    this.sendElement(
      xml("iq", { xmlns: NS.client, type: "result", id: el.attrs.id }, xml("bind", { xmlns: NS.bind }, xml("jid", {}, session.jid))),
    );
    this.log.info("resource bound", { jid: session.jid, session: session.id });
    try {
      this.opts.sink.sessionBound(session);
    } catch (err) {
      this.log.error("session manager failed in sessionBound", { error: err, jid: session.jid });
    }
  }

  // ---------------------------------------------------------------- XEP-0198

  private onSmElement(el: Element): void {
    const name = el.getName();
    if (name !== "enable" && name !== "resume" && name !== "r" && name !== "a") {
      this.closeWithStreamError("unsupported-stanza-type", `<${name} xmlns='${NS.sm}'/> is not a stream management element a client sends`);
      return;
    }
    if (this.state === "sasl") {
      this.sendElement(buildSmFailed("unexpected-request", "authenticate first: stream management is offered after SASL (XEP-0198 §3)"));
      return;
    }
    if (name === "enable") this.onSmEnable(el);
    else if (name === "resume") this.onSmResume(el);
    else if (name === "r") this.onSmRequest();
    else this.onSmAck(el);
  }

  private onSmEnable(el: Element): void {
    const session = this.session;
    if (this.state !== "bound" || !session) {
      this.sendElement(buildSmFailed("unexpected-request", "Client must bind a resource before enabling stream management"));
      return;
    }
    if (session.sm) {
      this.sendElement(buildSmFailed("unexpected-request", "Stream management is already enabled"));
      return;
    }
    const resume = (el.attrs.resume === "true" || el.attrs.resume === "1") && this.opts.resumption !== null;
    // XEP-0198 §3: the client's `max` is a preference; we never grant more than our own limit.
    const clientMax = parseH(el.attrs.max);
    const timeoutMs = clientMax !== null && clientMax > 0 ? Math.min(clientMax * 1000, this.opts.resumptionTimeoutMs) : this.opts.resumptionTimeoutMs;
    const id = resume ? randomBytes(18).toString("base64url") : null;
    const attrs: Record<string, string> = { xmlns: NS.sm };
    if (id !== null) {
      attrs.id = id;
      attrs.resume = "true";
      attrs.max = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    }
    // <enabled/> goes out before the counters start (XEP-0198 §4).
    this.sendElement(xml("enabled", attrs));
    session.sm = new StreamManagementState(id, timeoutMs);
    if (id !== null) this.opts.resumption?.register(session);
    this.log.info("stream management enabled", { jid: session.jid, resumable: id !== null, resumptionTimeoutMs: id !== null ? timeoutMs : undefined });
  }

  private onSmRequest(): void {
    const sm = this.carriedSm();
    if (!sm) {
      this.sendElement(buildSmFailed("unexpected-request", "stream management is not enabled on this stream: send <enable/> first"));
      return;
    }
    this.write(xml("a", { xmlns: NS.sm, h: String(sm.inbound) }).toString());
    this.scheduleAckRequest();
  }

  private onSmAck(el: Element): void {
    const sm = this.carriedSm();
    if (!sm) {
      this.sendElement(buildSmFailed("unexpected-request", "stream management is not enabled on this stream: send <enable/> first"));
      return;
    }
    const h = parseH(el.attrs.h);
    if (h === null) {
      this.closeWithStreamError("invalid-xml", `Missing or invalid 'h' attribute (${JSON.stringify(el.attrs.h ?? null)}): an unsigned 32-bit counter is required (XEP-0198 §4)`);
      return;
    }
    const result = sm.ack(h);
    if (!result.ok) {
      this.log.info("client miscounted stream management acks", { jid: this.session?.jid, h, sent: sm.outbound, lastAck: sm.lastAck });
      this.closeWithStreamError(result.condition, result.text);
      return;
    }
    this.awaitingAck = false;
    this.scheduleAckRequest();
  }

  private onSmResume(el: Element): void {
    if (this.state !== "bind") {
      this.sendElement(buildSmFailed("unexpected-request", "Cannot resume another session after a resource is bound"));
      return;
    }
    const resumption = this.opts.resumption;
    const previd = el.attrs.previd;
    const h = parseH(el.attrs.h);
    if (typeof previd !== "string" || previd === "" || h === null) {
      this.sendElement(buildSmFailed("bad-request", "<resume/> needs a 'previd' and an 'h' (an unsigned 32-bit counter)"));
      return;
    }
    const found = resumption ? resumption.lookup(previd, `${this.username ?? ""}@${this.domain}`) : ({ kind: "unknown" } as const);
    if (found.kind === "expired") {
      this.sendElement(buildSmFailed("item-not-found", "Session expired, and cannot be resumed", found.h));
      return;
    }
    if (found.kind === "unknown" || !resumption) {
      this.sendElement(buildSmFailed("item-not-found", "Unknown session"));
      return;
    }
    const { session } = found;
    const sm = session.sm;
    if (!sm) {
      this.sendElement(buildSmFailed("item-not-found", "Unknown session"));
      return;
    }
    const acked = sm.ack(h);
    if (!acked.ok) {
      this.sendElement(buildSmFailed(acked.condition, acked.text, sm.inbound));
      return;
    }
    if (sm.hasOverflowed) {
      this.sendElement(buildSmFailed("resource-constraint", "Too many unacked stanzas remaining, session can't be resumed", sm.inbound));
      return;
    }

    const hibernatedMs = resumption.wake(session);
    const previous = session.attach(this);
    if (previous && previous !== this) previous.releaseSession();
    this.session = session;
    this.sessionReported = false;
    this.state = "bound";
    this.clearHandshakeTimer();
    this.write(xml("resumed", { xmlns: NS.sm, previd, h: String(sm.inbound) }).toString());
    // Re-sent, not re-counted: they keep the sequence numbers they had (XEP-0198 §5).
    const pending = sm.pending();
    for (const item of pending) this.write(withResendDelay(item, this.domain).toString());
    this.log.info("session resumed (XEP-0198)", { jid: session.jid, session: session.id, redelivered: pending.length, hibernatedMs });
    try {
      this.opts.sink.sessionResumed?.(session, { redelivered: pending.length, hibernatedMs });
    } catch (err) {
      this.log.error("session manager failed in sessionResumed", { error: err, jid: session.jid });
    }
    if (sm.unacked > 0) this.requestAck();
  }

  /** Our `<r/>`: see the policy in the header comment. */
  private scheduleAckRequest(): void {
    const sm = this.carriedSm();
    if (!sm || this.state !== "bound" || this.awaitingAck || sm.unacked === 0 || sm.outbound === this.lastRequestedH) return;
    if (sm.unacked >= ACK_REQUEST_AFTER_STANZAS) {
      this.requestAck();
      return;
    }
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const current = this.carriedSm();
      if (current && this.state === "bound" && !this.awaitingAck && current.unacked > 0 && current.outbound !== this.lastRequestedH) this.requestAck();
    }, ACK_REQUEST_DELAY_MS);
    this.ackTimer.unref?.();
  }

  private requestAck(): void {
    const sm = this.carriedSm();
    if (!sm) return;
    this.clearAckTimer();
    this.awaitingAck = true;
    this.lastRequestedH = sm.outbound;
    this.write(xml("r", { xmlns: NS.sm }).toString());
  }

  /** XEP-0198 §4 (as Prosody does): a last `<a/>` before the stream ends, so the client knows what we handled. */
  private sendFinalAck(): void {
    const sm = this.carriedSm();
    if (sm) this.write(xml("a", { xmlns: NS.sm, h: String(sm.inbound) }).toString());
  }

  private clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  // ---------------------------------------------------------------- stanzas

  private onStanza(el: Element): void {
    const session = this.session;
    if (!session) return;
    const name = el.getName();
    const type = el.attrs.type as string | undefined;

    const from = el.attrs.from as string | undefined;
    if (from !== undefined) {
      const parsed = checkJid(from);
      const normal = isParsedJid(parsed) ? parsed.full : null;
      if (normal !== session.jid && normal !== session.account) {
        this.closeWithStreamError("invalid-from", `'from' must be ${session.jid} or ${session.account}, not ${JSON.stringify(from)}`);
        return;
      }
    }

    const to = el.attrs.to as string | undefined;
    if (to !== undefined) {
      const parsed = checkJid(to);
      if (!isParsedJid(parsed)) {
        if (type !== "error") this.replyError(el, "modify", "jid-malformed", `'to' is not a valid JID: ${parsed.problem}`, this.domain);
        return;
      }
    }

    if (name === "iq") {
      if (type === undefined || !IQ_TYPES.has(type)) {
        this.replyError(el, "modify", "bad-request", "iq type must be get, set, result or error (RFC 6120 §8.2.3)");
        return;
      }
      if (typeof el.attrs.id !== "string" || el.attrs.id === "") {
        if (type === "get" || type === "set") this.replyError(el, "modify", "bad-request", "iq without id (RFC 6120 §8.2.3)");
        else this.log.debug("dropped iq result/error without id");
        return;
      }
      if ((type === "get" || type === "set") && el.getChildElements().length !== 1) {
        this.replyError(el, "modify", "bad-request", "iq get/set must have exactly one child element (RFC 6120 §8.2.3)");
        return;
      }
    }

    if (name === "iq" && (to === undefined || to === this.domain)) {
      if (this.handleServerIq(el, type ?? "")) return;
    }

    el.attrs.xmlns = NS.client;
    el.attrs.from = session.jid;
    try {
      this.opts.sink.stanza(session, el);
    } catch (err) {
      this.log.error("session manager failed handling a stanza", { error: err, jid: session.jid, stanza: name });
      if (name === "iq" && (type === "get" || type === "set")) this.replyError(el, "cancel", "internal-server-error", undefined, this.domain);
    }
  }

  /** The few iqs that belong to the stream layer, not the session manager. */
  private handleServerIq(el: Element, type: string): boolean {
    if (type === "set" && el.getChild("session", NS.session)) {
      // RFC 3921 session establishment: a no-op kept for older clients (feature marked optional).
      this.sendElement(xml("iq", { xmlns: NS.client, type: "result", id: el.attrs.id, from: this.domain }));
      return true;
    }
    if (type === "set" && el.getChild("bind", NS.bind)) {
      this.replyError(el, "cancel", "not-allowed", "a resource is already bound on this stream", this.domain);
      return true;
    }
    return false;
  }

  private replyError(el: Element, errorType: StanzaErrorType, condition: string, text?: string, from?: string): void {
    this.log.debug("stanza error", { condition, text, stanza: el.getName(), id: el.attrs.id });
    const spec = text === undefined ? { type: errorType, condition } : { type: errorType, condition, text };
    // The error goes back to this client: never to whatever 'from' the client claimed.
    this.sendElement(buildStanzaErrorReply(el, spec, { to: this.session?.jid, from, serverDomain: this.domain }));
  }
}

const tcpOpenerText = `this is XMPP over WebSocket (RFC 7395): open with <open xmlns='${NS.framing}' to='…' version='1.0'/>, not <stream:stream>`;

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon === -1 ? qname : qname.slice(colon + 1);
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

/** RFC 6120 §6.4.2: "=" is an empty response; otherwise strict base64. undefined = invalid. */
function decodeSaslBase64(text: string): Buffer | null | undefined {
  if (text === "=") return Buffer.alloc(0);
  if (text === "") return null;
  return isStrictBase64(text) ? Buffer.from(text, "base64") : undefined;
}

function maskSasl(frame: string): string {
  return /urn:ietf:params:xml:ns:xmpp-sasl/.test(frame) ? frame.replace(/>[^<]+</, ">[masked]<") : frame;
}
