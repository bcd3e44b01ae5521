/**
 * One XMPP session (a simulated resource, the sender or the App Server sink) around an xmpp.js
 * client. Framework-free: it emits typed, timestamped events and knows nothing of stores or React.
 *
 * - Never reconnects by itself (a devtool must not hide a dropped session): a drop is reported
 *   (cause `dropped`, in plain words) and the lanes decide, visibly, whether to reconnect. A
 *   dropped session with XEP-0198 resumption is kept like a killed one, so resume() can try it.
 * - Chooses SASL PLAIN when offered (xmpp.js in the browser has nothing else; in Node it would pick
 *   SCRAM) but, like xmpp.js, refuses to send it over an insecure non-loopback ws:// unless allowed.
 * - Captures raw frames by wrapping the socket (xmpp.js 0.14 has no raw-frame events), masked.
 * - Turns every failure into a specific PlaygroundError.
 * - A fresh xmpp.js client is built for every connection attempt, so a failed attempt leaves
 *   nothing half-configured behind. The one exception is resume(): XEP-0198 resumption has to
 *   reconnect the very client whose socket kill() dropped (it holds the counters and the queue).
 * - Uses our xmpp.js assembly (src/xmpp-client/client.ts), which counts stream-management acks
 *   correctly and can drop the socket like an OS killing the app.
 */
type Client = XmppClient;
import xml, { type Element } from "@xmpp/xml";
import { createXmppClient, type SmSnapshot, type XmppClient } from "../../xmpp-client/client";
import { NS } from "../../protocol/ns";
import { maskSaslFrame } from "../../protocol/frame-text";
import { parseStanzaError } from "../../protocol/stanzas/errors";
import type { ConnectionStatus, PlaygroundError } from "../model";
import { describeClose, droppedError, mapStartError, mapStreamError, socketFailure, type CloseInfo, type FailureContext } from "./errors";
import { isSecureService } from "./validate";
import { guardClosedSocketWrites, type GuardedConnection } from "./closed-socket-guard";
// The `sandbox:` transport travels with the XMPP client: registered wherever the app creates clients.
import "../../sandbox/xmpp-transport";
import { newStanzaId, type IqHandler, type IqResponse, type SessionEvent, type SessionListener, type StartResult, type StatusCause, type XmppSessionOptions } from "./session-types";

export * from "./session-types";

type PendingAnswer = Element | { disconnected: PlaygroundError } | "timeout";

interface PendingIq {
  resolve(answer: PendingAnswer): void;
}

class InsecurePlainRefused extends Error {
  override name = "InsecurePlainRefused";
}

function toText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return String(data);
}

export class XmppSession {
  readonly id: string;
  private options: XmppSessionOptions;
  private xmpp: Client | null = null;
  private listeners = new Set<SessionListener>();
  private pending = new Map<string, PendingIq>();
  private iqHandlers: { type: "get" | "set"; ns: string; name: string; handler: IqHandler }[] = [];
  private _status: ConnectionStatus = "offline";
  private _jid: string | null = null;
  private lastXmppStatus = "offline";
  private socketOpened = false;
  /** Set while we close on purpose, so the closing events are not reported as failures. */
  private stopping = false;
  /** First error of the current attempt or live stream (stream error, SASL failure…). */
  private fatal: PlaygroundError | null = null;
  private serverClosedStream = false;
  private lastClose: CloseInfo | undefined;
  private _lastError: PlaygroundError | null = null;
  /** The last `<stream:features/>` offered XEP-0198. */
  private smOffered = false;
  /** kill() is dropping the socket: the disconnect that follows is on purpose. */
  private killing = false;
  /** The socket was dropped by kill() and the server may hold the session for resume(). */
  private _killed = false;
  /** Bumped by stop(): a start() still in flight then knows it was cancelled. */
  private generation = 0;
  /** Stable per session (SASL2 servers key FAST tokens and bind2 on it). */
  private readonly userAgentId = newStanzaId("ua");

  constructor(id: string, options: XmppSessionOptions) {
    this.id = id;
    this.options = options;
  }

  get status(): ConnectionStatus {
    return this._status;
  }

  get online(): boolean {
    return this._status === "online";
  }

  /** Full JID once bound. */
  get jid(): string | null {
    return this._jid;
  }

  get bareJid(): string {
    return `${this.options.username.toLowerCase()}@${this.options.domain}`;
  }

  get resource(): string {
    return this.options.resource;
  }

  get lastError(): PlaygroundError | null {
    return this._lastError;
  }

  /** XEP-0198 counters of the current (or killed) client; null before the first connection. */
  get sm(): SmSnapshot | null {
    return this.xmpp?.smState() ?? null;
  }

  /** kill() dropped the socket and resume() may bring the session back. */
  get killed(): boolean {
    return this._killed;
  }

  /** Change connection options; takes effect on the next start(). */
  configure(patch: Partial<XmppSessionOptions>): void {
    this.options = { ...this.options, ...patch };
  }

  on(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Answer incoming iqs of this type with `<name xmlns=ns>` (applied to every future client). */
  handleIq(type: "get" | "set", ns: string, name: string, handler: IqHandler): void {
    this.iqHandlers.push({ type, ns, name, handler });
    if (this.xmpp) this.installIqHandler(this.xmpp, { type, ns, name, handler });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        // A broken listener must not break the session; report it as an event to the others.
        if (event.type !== "error") {
          const message = err instanceof Error ? err.message : String(err);
          this.emit({ type: "error", at: this.now(), error: { code: "internal", message: `event listener failed: ${message}` } });
        }
      }
    }
  }

  private setStatus(
    status: ConnectionStatus,
    extra: { jid?: string; error?: PlaygroundError; cause?: StatusCause; sm?: SmSnapshot; resent?: number } = {},
  ): void {
    if (status === this._status && !extra.error) return;
    this._status = status;
    if (extra.error) this._lastError = extra.error;
    this.emit({ type: "status", at: this.now(), status, xmppStatus: this.lastXmppStatus, ...extra });
  }

  private failureContext(): FailureContext {
    return { account: this.bareJid, service: this.options.service, lastStatus: this.lastXmppStatus, socketOpened: this.socketOpened };
  }

  private installIqHandler(xmpp: Client, h: { type: "get" | "set"; ns: string; name: string; handler: IqHandler }): void {
    // The callee puts the iq's single child on ctx.element (@xmpp/iq/callee.js); the typings omit it.
    const middleware = ((ctx: { stanza: Element; element?: Element }) => h.handler(ctx.stanza, ctx.element ?? ctx.stanza)) as unknown as Parameters<Client["iqCallee"]["set"]>[2];
    if (h.type === "get") xmpp.iqCallee.get(h.ns, h.name, middleware);
    else xmpp.iqCallee.set(h.ns, h.name, middleware);
  }

  /** Connect, authenticate and bind. Resolves with the bound JID or a specific error; never throws. */
  async start(): Promise<StartResult> {
    if (this.xmpp && this._killed) {
      // A fresh start abandons the killed session (the server expires it, or the new bind replaces it).
      this.abandonKilled();
    }
    if (this.xmpp) {
      return { ok: false, error: { code: "internal", message: `${this.bareJid}/${this.options.resource} is already ${this._status}` } };
    }
    const { service, domain, resource, username, password } = this.options;
    this.stopping = false;
    this.fatal = null;
    this.serverClosedStream = false;
    this.lastClose = undefined;
    this.socketOpened = false;
    this.lastXmppStatus = "offline";
    this._jid = null;
    this.smOffered = false;

    const userAgent = xml("user-agent", { id: this.userAgentId }, xml("software", {}, "XMPP Push Playground"), xml("device", {}, resource));
    let xmpp: Client;
    try {
      xmpp = createXmppClient({
        service,
        domain,
        resource,
        credentials: async (authenticate, mechanisms, _fast, entity) => {
          const usable = mechanisms.filter((m) => m !== "ANONYMOUS");
          let mechanism = usable.includes("PLAIN") ? "PLAIN" : usable[0];
          const secure = entity.isSecure() || isSecureService(service);
          if (mechanism === "PLAIN" && !secure && !this.options.allowInsecurePlain) {
            const other = usable.find((m) => m !== "PLAIN");
            if (!other) {
              throw new InsecurePlainRefused(
                `refusing to send ${this.bareJid}'s password with SASL PLAIN over unencrypted ${new URL(service).protocol}// to a non-local host; use wss://`,
              );
            }
            mechanism = other;
          }
          if (!mechanism) throw new Error(`SASL: the server offers no mechanism this client supports (offered: ${mechanisms.join(", ") || "none"})`);
          await authenticate({ username, password }, mechanism, userAgent);
        },
        // Explicit: the default builds one with crypto.randomUUID, which throws outside secure contexts.
        userAgent,
        streamManagement: this.options.streamManagement ?? true,
        ...(this.options.skipPresenceFrom ? { skipPresenceFrom: this.options.skipPresenceFrom } : {}),
      } as Parameters<typeof createXmppClient>[0]);
    } catch (err) {
      const error: PlaygroundError = { code: "internal", message: `could not create the XMPP client: ${err instanceof Error ? err.message : String(err)}` };
      this.setStatus("failed", { error });
      return { ok: false, error };
    }
    // A devtool must never reconnect behind the user's back.
    xmpp.reconnect.stop();
    this.xmpp = xmpp;
    for (const h of this.iqHandlers) this.installIqHandler(xmpp, h);
    this.attach(xmpp);
    this.setStatus("connecting");
    const generation = this.generation;

    const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      const outcome = await Promise.race([xmpp.start().then(() => "online" as const), timedOut]);
      if (generation !== this.generation) return this.cancelled();
      if (outcome === "timeout") {
        throw Object.assign(new Error("timeout"), { name: "TimeoutError" });
      }
      // xmpp.js goes online right after binding and only then sends <enable/>: wait for the answer
      // so "online" already says whether the session can be resumed.
      await this.settleStreamManagement(xmpp);
      if (generation !== this.generation) return this.cancelled();
      const jid = xmpp.jid?.toString() ?? `${this.bareJid}/${resource}`;
      this._jid = jid;
      this.setStatus("online", { jid });
      return { ok: true, jid };
    } catch (err) {
      if (generation !== this.generation) return this.cancelled();
      const error = this.fatal ?? this.mapFailure(err);
      await this.teardown(xmpp);
      this.setStatus("failed", { error });
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once `<enable/>` (if it went out) was answered, or after `timeoutMs`. */
  private settleStreamManagement(xmpp: Client, timeoutMs = 3000): Promise<void> {
    const sm = xmpp.streamManagement;
    if (!this.smOffered || !sm.negotiate || sm.enabled) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sm.off("enabled", done);
        sm.off("failed", done);
        xmpp.off("disconnect", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      sm.on("enabled", done);
      sm.on("failed", done);
      xmpp.on("disconnect", done);
    });
  }

  private cancelled(): { ok: false; error: PlaygroundError } {
    return { ok: false, error: { code: "not-connected", message: `connecting ${this.bareJid}/${this.options.resource} was cancelled` } };
  }

  private mapFailure(err: unknown): PlaygroundError {
    if (err instanceof InsecurePlainRefused) return { code: "sasl-failure", message: err.message };
    const name = (err as { name?: unknown })?.name;
    if (name === "TimeoutError") {
      const error = mapStartError(err, this.failureContext(), this.lastClose);
      return { ...error, message: `${error.message} (waited ${Math.round((this.options.connectTimeoutMs ?? 15_000) / 1000)} s)` };
    }
    // The socket closed before the stream came up: xmpp.js rejects with whatever it had.
    if (this.lastXmppStatus === "disconnect" && !this.fatal) {
      if (this.serverClosedStream) return this.streamClosedError();
      return socketFailure(this.failureContext(), err as object, this.lastClose);
    }
    return mapStartError(err, this.failureContext(), this.lastClose);
  }

  private streamClosedError(): PlaygroundError {
    const close = describeClose(this.lastClose);
    return {
      code: "stream-closed",
      message: `the server closed ${this._jid ?? this.bareJid}'s stream (no stream error given)`,
      ...(close ? { detail: close } : {}),
    };
  }

  private attach(xmpp: Client): void {
    // The WebSocket transport keeps its WebSocket in `socket.socket`, which xmpp.js's types leave out.
    guardClosedSocketWrites(xmpp as unknown as GuardedConnection);
    xmpp.on("error", (err: unknown) => {
      if (this.xmpp !== xmpp) return;
      // The dropped transport's own complaints (ECONNRESET…) are what kill() asked for.
      if (this.killing || this._killed) return;
      const e = err as { name?: unknown; condition?: unknown; text?: unknown };
      if (e?.name === "StreamError") {
        this.fatal ??= mapStreamError(
          typeof e.condition === "string" ? e.condition : undefined,
          typeof e.text === "string" && e.text !== "" ? e.text : undefined,
          { account: this._jid ?? this.bareJid },
        );
        return;
      }
      if (e?.name === "SASLError") {
        this.fatal ??= mapStartError(err, this.failureContext());
        return;
      }
      if (err instanceof InsecurePlainRefused) {
        this.fatal ??= { code: "sasl-failure", message: err.message };
        return;
      }
      if (this._status === "online") {
        // Not fatal by itself (e.g. a stanza handler threw); the disconnect, if any, is reported separately.
        const mapped = mapStartError(err, this.failureContext(), this.lastClose);
        this.emit({ type: "error", at: this.now(), error: mapped });
      }
    });

    xmpp.on("status", (status: string, arg: unknown) => {
      if (this.xmpp !== xmpp) return;
      this.lastXmppStatus = status;
      if (status === "connect") {
        this.socketOpened = true;
        this.wrapSocket(xmpp);
      } else if (status === "close") {
        if (!this.stopping) this.serverClosedStream = true;
      } else if (status === "disconnect") {
        const reason = (arg as { reason?: { code?: unknown; reason?: unknown } } | undefined)?.reason;
        if (reason && typeof reason === "object") {
          this.lastClose = {
            ...(typeof reason.code === "number" ? { code: reason.code } : {}),
            ...(typeof reason.reason === "string" && reason.reason !== "" ? { reason: reason.reason } : {}),
          };
        }
        this.onDisconnected(xmpp);
      } else if ((status === "closing" || status === "disconnecting") && this.stopping) {
        this.setStatus("disconnecting");
      }
    });

    xmpp.on("element", (element: Element) => {
      if (this.xmpp !== xmpp) return;
      if (element.name === "stream:features") this.smOffered = element.getChild("sm", NS.sm) !== undefined;
      this.emit({ type: "element", at: this.now(), direction: "in", element });
      this.routeReply(element);
    });
    xmpp.on("send", (element: Element) => {
      if (this.xmpp !== xmpp) return;
      this.emit({ type: "element", at: this.now(), direction: "out", element });
    });
    // Not removed by detach() (it belongs to the stream-management emitter): hence the guard.
    xmpp.streamManagement.on("enabled", (sm: SmSnapshot) => {
      if (this.xmpp !== xmpp) return;
      this.emit({ type: "sm-enabled", at: this.now(), sm });
    });
  }

  private wrapSocket(xmpp: Client): void {
    const socket = xmpp.socket as unknown as {
      write(data: string, fn?: (err?: unknown) => void): void;
      on(event: "data", listener: (data: unknown) => void): void;
    } | null;
    if (!socket) return;
    const write = socket.write.bind(socket);
    socket.write = (data: string, fn?: (err?: unknown) => void) => {
      // While kill() waits for the dropped socket to report closing, stream management may still
      // try to write (a debounced <r/>, an <a/> for a late <r/>): a killed app writes nothing, and
      // a browser WebSocket would log "already in CLOSING or CLOSED state".
      if (this.killing && this.xmpp === xmpp) {
        fn?.(new Error("the socket was dropped (app killed)"));
        return;
      }
      // The frame leaves first: capturing it for the console (masking, classifying) is the page's
      // business and should not delay what the server is waiting for. Transports deliver answers
      // in a later task, so the console still lists this frame before its answer.
      const at = this.now();
      write(data, fn);
      if (this.xmpp === xmpp) this.emit({ type: "frame", at, direction: "out", text: maskSaslFrame(toText(data)) });
    };
    socket.on("data", (data: unknown) => {
      if (this.xmpp === xmpp) this.emit({ type: "frame", at: this.now(), direction: "in", text: maskSaslFrame(toText(data)) });
    });
  }

  private routeReply(element: Element): void {
    if (element.name !== "iq") return;
    const type = element.attrs.type;
    if (type !== "result" && type !== "error") return;
    const id = typeof element.attrs.id === "string" ? element.attrs.id : undefined;
    if (!id) return;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.resolve(element);
  }

  /** The socket closed. During start() the start promise reports it; afterwards, this does. */
  private onDisconnected(xmpp: Client): void {
    if (this.stopping || this.killing || this._status !== "online") return;
    const dropped = !this.fatal && !this.serverClosedStream;
    const error = this.fatal ?? (this.serverClosedStream ? this.streamClosedError() : droppedError(this.lastClose));
    this.failPending(error);
    const sm = xmpp.smState();
    if (dropped && sm.resumable && sm.id !== "") {
      // Like a killed app: the server (if it is still there) may hold the session for resume().
      this._killed = true;
    } else {
      this.detach(xmpp);
      this._jid = null;
    }
    this.setStatus("failed", { error, sm, ...(dropped ? { cause: "dropped" as const } : {}) });
  }

  private failPending(error: PlaygroundError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.resolve({ disconnected: error });
  }

  private detach(xmpp: Client): void {
    if (this.xmpp === xmpp) this.xmpp = null;
    xmpp.removeAllListeners();
    // Keep an error listener: a late socket error must not become an uncaught exception.
    xmpp.on("error", () => {});
  }

  private async teardown(xmpp: Client): Promise<void> {
    this.stopping = true;
    try {
      if (xmpp.status !== "offline" && xmpp.status !== "disconnect") await xmpp.stop();
    } catch {
      // Already closed or half-open: the socket is gone either way.
      try {
        (xmpp.socket as unknown as { end?: () => void } | null)?.end?.();
      } catch {
        // nothing left to close
      }
    } finally {
      this.detach(xmpp);
      this.stopping = false;
    }
  }

  /** Close the stream and the socket gracefully (unavailable presence is implied by the server). */
  async stop(): Promise<void> {
    if (this._killed) {
      // Nothing is connected: forget the killed client (the server expires its session).
      this.generation += 1;
      this.abandonKilled();
      // A dropped connection left the status at `failed`: the user has now let it go.
      if (this._status !== "offline") this.setStatus("offline");
      return;
    }
    const xmpp = this.xmpp;
    if (!xmpp) {
      if (this._status !== "offline") this.setStatus("offline");
      return;
    }
    this.generation += 1;
    this.stopping = true;
    this.setStatus("disconnecting");
    this.failPending({ code: "not-connected", message: `${this._jid ?? this.bareJid} disconnected before the answer arrived` });
    await this.teardown(xmpp);
    this._jid = null;
    this.setStatus("offline");
  }

  /**
   * Simulates the OS killing the app: the socket is dropped without `</close>` and nothing
   * reconnects. With XEP-0198 resumption enabled the server keeps (hibernates) the session and
   * resume() can bring it back; without it the session simply ends. Status becomes `offline`
   * with cause `killed` (the `sm` snapshot says which case it was).
   */
  async kill(): Promise<{ ok: true; resumable: boolean; sm: SmSnapshot } | { ok: false; error: PlaygroundError }> {
    const xmpp = this.xmpp;
    if (!xmpp || this._status !== "online") {
      return { ok: false, error: { code: "not-connected", message: `${this.bareJid}/${this.options.resource} is not connected (${this._status})` } };
    }
    this.killing = true;
    try {
      await xmpp.killSocket();
    } catch (err) {
      this.killing = false;
      const error: PlaygroundError = { code: "internal", message: `could not drop ${this._jid ?? this.bareJid}'s socket: ${err instanceof Error ? err.message : String(err)}` };
      // The socket may be gone all the same: report it as the failure it is.
      if (xmpp.status === "disconnect") {
        this.failPending(error);
        this.detach(xmpp);
        this._jid = null;
        this.setStatus("failed", { error });
      }
      return { ok: false, error };
    }
    this.killing = false;
    const sm = xmpp.smState();
    const resumable = sm.resumable && sm.id !== "";
    this.failPending({ code: "socket-closed", message: `${this._jid ?? this.bareJid}'s app was killed before the answer arrived` });
    if (resumable) this._killed = true;
    else this.detach(xmpp);
    const jid = this._jid ?? undefined;
    this.setStatus("offline", { cause: "killed", sm, ...(jid ? { jid } : {}) });
    return { ok: true, resumable, sm };
  }

  /**
   * XEP-0198 resumption of the session kill() left behind: reconnects the same client, which
   * sends `<resume previd h/>`. On `<resumed/>` the status is `online` (cause `resumed`, with how
   * many of our stanzas were re-sent). On `<failed/>` (e.g. `item-not-found` once the session
   * expired) the client is closed instead of binding a new session behind the user's back: the
   * status becomes `offline` with cause `resume-failed` and the error's `condition`.
   */
  async resume(timeoutMs = this.options.connectTimeoutMs ?? 15_000): Promise<{ ok: true; resent: number } | { ok: false; error: PlaygroundError }> {
    const xmpp = this.xmpp;
    if (!xmpp || !this._killed) {
      return { ok: false, error: { code: "not-connected", message: `${this.bareJid}/${this.options.resource} has no killed session to resume` } };
    }
    this._killed = false;
    this.fatal = null;
    this.serverClosedStream = false;
    this.lastClose = undefined;
    this.socketOpened = false;
    const generation = this.generation;
    const jid = this._jid;
    this.setStatus("connecting", { cause: "resuming" });
    try {
      const resumed = await xmpp.resume({ timeoutMs });
      if (generation !== this.generation) return this.cancelled();
      this.setStatus("online", { cause: "resumed", sm: xmpp.smState(), resent: resumed.resent, ...(jid ? { jid } : {}) });
      return { ok: true, resent: resumed.resent };
    } catch (err) {
      if (generation !== this.generation) return this.cancelled();
      const e = err as { name?: unknown; condition?: unknown; text?: unknown; message?: unknown };
      const condition = typeof e?.condition === "string" ? e.condition : undefined;
      const error: PlaygroundError = condition
        ? {
            code: "stanza-error",
            condition,
            message:
              condition === "item-not-found"
                ? `the server no longer has ${jid ?? this.bareJid}'s session (item-not-found): it expired or was replaced`
                : `the server refused to resume ${jid ?? this.bareJid}'s session (${condition}${typeof e.text === "string" && e.text ? `: ${e.text}` : ""})`,
          }
        : (this.fatal ?? this.mapFailure(err));
      const sm = xmpp.smState();
      await this.teardown(xmpp);
      this._jid = null;
      this.setStatus("offline", { cause: "resume-failed", error, sm });
      return { ok: false, error };
    }
  }

  private abandonKilled(): void {
    const xmpp = this.xmpp;
    this._killed = false;
    this._jid = null;
    if (xmpp) this.detach(xmpp);
  }

  private requireOnline(): { ok: true; client: Client } | { ok: false; error: PlaygroundError } {
    if (!this.xmpp || this._status !== "online") {
      return { ok: false, error: { code: "not-connected", message: `${this.bareJid}/${this.options.resource} is not connected (${this._status})` } };
    }
    return { ok: true, client: this.xmpp };
  }

  /** Send one stanza. Resolves with an error instead of throwing. */
  async send(element: Element): Promise<PlaygroundError | null> {
    const xmpp = this.requireOnline();
    if (!xmpp.ok) return xmpp.error;
    try {
      await xmpp.client.send(element);
      return null;
    } catch (err) {
      return { code: "socket-closed", message: `could not send from ${this._jid ?? this.bareJid}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Send an iq get/set and wait for its answer (matched by id). Never throws. */
  async request(iq: Element, timeoutMs = this.options.iqTimeoutMs ?? 10_000): Promise<IqResponse> {
    if (typeof iq.attrs.id !== "string" || iq.attrs.id === "") iq.attrs.id = newStanzaId("iq");
    const id = iq.attrs.id as string;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<PendingAnswer>((resolve) => {
      this.pending.set(id, { resolve });
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const sendError = await this.send(iq);
    if (sendError) {
      this.pending.delete(id);
      clearTimeout(timer);
      return { outcome: "error", request: iq, reply: null, error: sendError };
    }
    const reply = await answer;
    clearTimeout(timer);
    this.pending.delete(id);
    if (reply === "timeout") {
      const to = typeof iq.attrs.to === "string" ? iq.attrs.to : this.options.domain;
      return {
        outcome: "timeout",
        request: iq,
        error: { code: "timeout", message: `no answer from ${to} within ${Math.round(timeoutMs / 100) / 10} s` },
      };
    }
    if ("disconnected" in reply) return { outcome: "error", request: iq, reply: null, error: reply.disconnected };
    if (reply.attrs.type === "error") {
      const spec = parseStanzaError(reply);
      const condition = spec?.condition ?? "undefined-condition";
      const error: PlaygroundError = {
        code: "stanza-error",
        message: `${spec?.type ?? "cancel"}/${condition}${spec?.text ? `: ${spec.text}` : ""}`,
        condition,
        type: spec?.type ?? "cancel",
        ...(spec?.text ? { text: spec.text } : {}),
      };
      return { outcome: "error", request: iq, reply, error };
    }
    return { outcome: "result", request: iq, reply };
  }
}
