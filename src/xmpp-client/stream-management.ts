/**
 * XEP-0198 Stream Management for our xmpp.js assembly (`client.ts`): a small replacement of
 * `@xmpp/stream-management` 0.14 that counts correctly. Same wire behaviour (`<enable
 * resume='true'/>` after resource binding, `<resume/>` on reconnect, `<r/>` 250 ms after a burst
 * of outbound stanzas and every 30 s, disconnect when nothing arrives within 60 s of an `<r/>`,
 * `<a/>` before `</close>`, unacked stanzas re-sent with `<delay/>` after `<resumed/>`) and the same
 * public surface (the fields of @types/xmpp__stream-management, events `ack`, `fail`, `resumed`).
 *
 * What is different, and why (docs/upstream/xmpp-js-sm-ack-miscount.md has the evidence):
 *
 * 1. Every inbound stanza is counted. The stock module counts in an incoming middleware, and
 *    `@xmpp/iq/caller.js` (set up earlier by `@xmpp/client`) returns without calling `next()` for
 *    an iq result/error that answers one of its own requests: those replies were never counted.
 *    Here the counter is a listener PREPENDED to the entity's `element` event, so it sees every
 *    top-level element before any middleware, whatever the registration order.
 * 2. The state changes for `<enabled/>`, `<resumed/>` and `<failed/>` happen in that same
 *    synchronous listener, the moment the element is parsed. The stock module reset `h` to 0 only
 *    after `await`ing its enable procedure, i.e. after every other element of the same network
 *    read had been handled; when a server writes `<enabled/>`, a stanza and an `<r/>` together
 *    (Prosody does), the stock client answered `h=1` and then went back to 0, and Prosody closed
 *    the stream ("Client acknowledged less stanzas than already acknowledged").
 *
 * Smaller corrections: `h` wraps at 2^32 (XEP-0198 §5); an `<a/>` acknowledging more than was sent,
 * or going backwards, is reported as a `bad-ack` event instead of crashing on an empty queue;
 * `<failed h='…'/>` on resume acknowledges what the server did handle before the rest fails;
 * resumption is attempted only when the server granted it (`resume` on `<enabled/>`); stanzas left
 * over from a stream that could not be resumed are failed (`fail`) before a new `<enable/>`,
 * where the stock module threw an assertion error.
 */
import { EventEmitter } from "@xmpp/events";
import XMPPError from "@xmpp/error";
import { datetime } from "@xmpp/time";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import type { StreamManagement as StockStreamManagement } from "@xmpp/stream-management";
import { NS } from "../protocol/ns";

const NS_SASL2 = "urn:xmpp:sasl:2";
const NS_BIND2 = "urn:xmpp:bind:0";
/** Sequence numbers are unsigned 32-bit and wrap (XEP-0198 §5). */
const H_MODULO = 2 ** 32;

export interface SmQueueItem {
  stanza: Element;
  /** XEP-0082 time it was first sent; becomes the `<delay/>` stamp if a message is re-sent. */
  stamp: string;
}

/** A plain copy of the counters, for stores and UIs. */
export interface SmSnapshot {
  /** `<enabled/>` or `<resumed/>` received on the current stream. */
  enabled: boolean;
  /** The server's stream id (`previd` of a resumption); empty when there is no session to resume. */
  id: string;
  /** The server allowed resumption (`resume='true'` on `<enabled/>`). */
  resumable: boolean;
  /** `h` we report: stanzas received since `<enabled/>`, carried over a resumption. */
  inbound: number;
  /** Our stanzas the server has acknowledged (its last `h`). */
  outbound: number;
  /** Our stanzas sent but not yet acknowledged: re-sent after a resumption, failed otherwise. */
  unacked: number;
  /** Resumption window granted by the server, in seconds (`max` on `<enabled/>`). */
  max: number | null;
  /** Where the server prefers resumption (`location` on `<enabled/>`), if it said. */
  location: string | undefined;
}

/** Why XEP-0198 negotiation failed: the server's `<failed/>` as an XMPPError (`condition`). */
export interface SmFailure {
  phase: "enable" | "resume";
  error: XMPPError;
}

export interface SmResumed {
  previd: string;
  /** The server's `h`: how many of our stanzas it had handled. */
  h: number;
  /** How many unacknowledged stanzas were sent again. */
  resent: number;
}

/** An `<a/>` whose `h` cannot be right: more than we sent, backwards, or not a number. */
export interface SmBadAck {
  h: string | undefined;
  outbound: number;
  unacked: number;
}

export interface StreamManagementEvents {
  /** `<enabled/>` arrived (counters already reset). */
  enabled: (snapshot: SmSnapshot) => void;
  /** The session was resumed and unacknowledged stanzas were sent again. */
  resumed: (info: SmResumed) => void;
  /** `<failed/>` answered `<enable/>` or `<resume/>`. After a failed resume the client goes on with a new session. */
  failed: (failure: SmFailure) => void;
  /** The server acknowledged one of our stanzas. */
  ack: (stanza: Element) => void;
  /** One of our stanzas will never be acknowledged (the session ended or could not be resumed). */
  fail: (stanza: Element) => void;
  "bad-ack": (info: SmBadAck) => void;
}

/** State and settings; the wiring lives in `setupStreamManagement`. */
export class StreamManagement extends EventEmitter implements StockStreamManagement {
  /** Ask for resumption (`resume='true'` on `<enable/>`). */
  allowResume = true;
  /** `max` (seconds) to ask for on `<enable/>`; null lets the server choose. */
  preferredMaximum: number | null = null;
  /** Whether to negotiate XEP-0198 at all; false behaves as if the server did not offer it. */
  negotiate = true;
  enabled = false;
  /** `<enable/>` went out on this stream: our outbound count has started. */
  enableSent = false;
  id = "";
  resumable = false;
  max: number | null = null;
  location: string | undefined = undefined;
  inbound = 0;
  outbound = 0;
  outbound_q: SmQueueItem[] = [];
  /** Disconnect when nothing at all arrives within this many ms of an `<r/>` (0: never). */
  timeout = 60_000;
  /** Send an `<r/>` after this many ms without inbound traffic (0: never). */
  requestAckInterval = 30_000;
  /** Wait this long after an outbound stanza so a burst gets a single `<r/>`. */
  requestAckDebounce = 250;

  get unacked(): number {
    return this.outbound_q.length;
  }

  snapshot(): SmSnapshot {
    return {
      enabled: this.enabled,
      id: this.id,
      resumable: this.resumable,
      inbound: this.inbound,
      outbound: this.outbound,
      unacked: this.outbound_q.length,
      max: this.max,
      location: this.location,
    };
  }

  override on<E extends keyof StreamManagementEvents>(event: E, listener: StreamManagementEvents[E]): this {
    return super.on(event, listener);
  }

  override once<E extends keyof StreamManagementEvents>(event: E, listener: StreamManagementEvents[E]): this {
    return super.once(event, listener);
  }

  override off<E extends keyof StreamManagementEvents>(event: E, listener: StreamManagementEvents[E]): this {
    return super.off(event, listener);
  }

  override emit<E extends keyof StreamManagementEvents>(event: E, ...args: Parameters<StreamManagementEvents[E]>): boolean {
    return super.emit(event, ...args);
  }
}

/** What the plug-in needs from the xmpp.js entity (a `@xmpp/client-core` Client). */
export interface SmEntity {
  jid: { toString(): string } | null;
  send(element: Element): Promise<void>;
  sendMany(elements: Element[]): Promise<void>;
  disconnect(): Promise<unknown>;
  /** Resolves the `close` hooks before `</close>` is written (`@xmpp/connection`). */
  hook(event: "close", handler: () => Promise<void>): void;
  /** `true`: status becomes `online` without an `online` event (a resumed session). */
  _ready(resumed: boolean): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  prependListener(event: string, listener: (...args: never[]) => void): unknown;
}

export interface SmStreamFeatures {
  use(name: string, xmlns: string, handler: (ctx: unknown, next: () => Promise<unknown>, feature: Element) => Promise<unknown>): unknown;
}

/** `@xmpp/sasl2` and `@xmpp/client-core`'s bind2: inline features (request builder, result handler). */
export interface SmInlineFeatures {
  use(ns: string, req: (element: Element) => Element | undefined, res: (element: Element) => unknown): void;
}

export interface SetupStreamManagementDeps {
  entity: SmEntity;
  streamFeatures?: SmStreamFeatures;
  bind2?: SmInlineFeatures;
  sasl2?: SmInlineFeatures;
}

/** The socket went away while `<enable/>` or `<resume/>` waited for its answer. */
class Interrupted extends Error {
  constructor() {
    super("the connection closed during stream management negotiation");
    this.name = "Interrupted";
  }
}

interface Pending {
  kind: "enable" | "resume";
  resolve: (element: Element) => void;
  reject: (reason: Error) => void;
}

function isStanza(element: Element): boolean {
  return element.name === "message" || element.name === "presence" || element.name === "iq";
}

/** An `h` attribute as an unsigned 32-bit integer, or undefined when it is not one. */
function parseH(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{1,10}$/.test(value)) return undefined;
  const h = Number(value);
  return h < H_MODULO ? h : undefined;
}

function parseMax(value: unknown): number | null {
  if (typeof value !== "string" || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/** `<failed/>` carries its condition as a child; a bare `<failed/>` is `undefined-condition`. */
function failureOf(failed: Element): XMPPError {
  if (failed.getChildElements().length === 0) {
    const error = new XMPPError("undefined-condition", "the server answered <failed/> without a condition");
    error.element = failed;
    return error;
  }
  return XMPPError.fromElement(failed);
}

/**
 * Wires stream management into an entity. Call it where `@xmpp/client` calls
 * `@xmpp/stream-management`: after SASL, before resource binding (stream features run in order).
 */
export function setupStreamManagement({ entity, streamFeatures, bind2, sasl2 }: SetupStreamManagementDeps): StreamManagement {
  const sm = new StreamManagement();
  let pending: Pending | null = null;
  /** `<enable/>` / `<resume/>` went inside SASL2's `<authenticate/>` (XEP-0388/XEP-0386). */
  let inlineEnable = false;
  let inlineResume = false;
  let requestAckTimer: ReturnType<typeof setTimeout> | undefined;
  let debounceTimer: ReturnType<typeof setTimeout> | undefined;
  let ackTimeoutTimer: ReturnType<typeof setTimeout> | undefined;

  function sendAck(): Promise<void> {
    // `h` is read now, synchronously, so it covers exactly the stanzas parsed before this <r/>.
    return entity.send(xml("a", { xmlns: NS.sm, h: String(sm.inbound) })).catch(() => undefined);
  }

  function ackQueue(hValue: unknown): void {
    const h = parseH(hValue);
    const bad = (): void => {
      sm.emit("bad-ack", { h: typeof hValue === "string" ? hValue : undefined, outbound: sm.outbound, unacked: sm.outbound_q.length });
    };
    if (h === undefined) return bad();
    const handled = (h - sm.outbound + H_MODULO) % H_MODULO;
    // More than half the sequence space ahead means the count went backwards: keep ours.
    if (handled > H_MODULO / 2) return bad();
    if (handled > sm.outbound_q.length) bad();
    for (let i = 0; i < handled; i++) {
      const item = sm.outbound_q.shift();
      if (!item) break;
      sm.emit("ack", item.stanza);
    }
    sm.outbound = h;
  }

  function failQueue(): void {
    let item: SmQueueItem | undefined;
    while ((item = sm.outbound_q.shift())) sm.emit("fail", item.stanza);
    sm.outbound = 0;
  }

  function forgetSession(): void {
    sm.id = "";
    sm.resumable = false;
    sm.max = null;
    sm.location = undefined;
    sm.inbound = 0;
  }

  function applyEnabled(enabled: Element): void {
    sm.enabled = true;
    sm.id = typeof enabled.attrs.id === "string" ? enabled.attrs.id : "";
    sm.resumable = sm.id !== "" && (enabled.attrs.resume === "true" || enabled.attrs.resume === "1");
    sm.max = parseMax(enabled.attrs.max);
    sm.location = typeof enabled.attrs.location === "string" ? enabled.attrs.location : undefined;
    // XEP-0198 §4: our 'h' starts at zero on receiving <enabled/>, before anything after it.
    sm.inbound = 0;
    sm.emit("enabled", sm.snapshot());
  }

  function applyResumed(resumed: Element): void {
    // `h` we sent in <resume/> stands; stanzas the server re-sends right after count on top of it.
    sm.enabled = true;
    ackQueue(resumed.attrs.h);
  }

  function applyFailed(phase: "enable" | "resume", failed: Element): void {
    if (phase === "resume") {
      // XEP-0198 §5: the server may say how many of our stanzas it handled before the session died.
      if (failed.attrs.h !== undefined) ackQueue(failed.attrs.h);
      failQueue();
      forgetSession();
    }
    sm.enabled = false;
    sm.enableSent = false;
    sm.emit("failed", { phase, error: failureOf(failed) });
  }

  function settle(kind: Pending["kind"], element: Element, ok: boolean): void {
    if (!pending || pending.kind !== kind) return;
    const { resolve, reject } = pending;
    pending = null;
    if (ok) resolve(element);
    else reject(failureOf(element));
  }

  function onSmElement(element: Element): void {
    switch (element.name) {
      case "r":
        if (sm.enabled) void sendAck();
        return;
      case "a":
        if (sm.enabled) ackQueue(element.attrs.h);
        return;
      case "enabled":
        if (pending?.kind !== "enable") return;
        applyEnabled(element);
        settle("enable", element, true);
        return;
      case "resumed":
        if (pending?.kind !== "resume") return;
        applyResumed(element);
        settle("resume", element, true);
        return;
      case "failed": {
        const kind = pending?.kind;
        if (!kind) return;
        applyFailed(kind, element);
        settle(kind, element, false);
        return;
      }
    }
  }

  /** SASL2 success carries inline `<resumed/>`/`<failed/>` and bind2's `<bound><enabled/></bound>`. */
  function onSasl2Success(success: Element): void {
    if (inlineResume) {
      inlineResume = false;
      const resumed = success.getChild("resumed", NS.sm);
      const failed = success.getChild("failed", NS.sm);
      if (resumed) applyResumed(resumed);
      else if (failed) applyFailed("resume", failed);
    }
    if (inlineEnable) {
      inlineEnable = false;
      const bound = success.getChild("bound", NS_BIND2);
      const enabled = bound?.getChild("enabled", NS.sm);
      const failed = bound?.getChild("failed", NS.sm);
      if (enabled) {
        // A new session (no resumption happened): what the old one left unacknowledged is lost.
        failQueue();
        applyEnabled(enabled);
      }
      else if (failed) applyFailed("enable", failed);
    }
  }

  // Prepended: runs before @xmpp/middleware's listener (and so before iqCaller can swallow a
  // reply), synchronously for each element as the parser emits it.
  entity.prependListener("element", (element: Element) => {
    // Any inbound traffic shows the connection is alive.
    clearTimeout(ackTimeoutTimer);
    ackTimeoutTimer = undefined;
    if (isStanza(element)) {
      if (sm.enabled) sm.inbound = (sm.inbound + 1) % H_MODULO;
    } else if (element.attrs.xmlns === NS.sm) {
      onSmElement(element);
    } else if (element.is("success", NS_SASL2)) {
      onSasl2Success(element);
    }
    scheduleRequestAck();
  });

  entity.on("send", (element: Element) => {
    if (element.is("enable", NS.sm)) {
      sm.enableSent = true;
      return;
    }
    if (!isStanza(element) || (!sm.enabled && !sm.enableSent)) return;
    sm.outbound_q.push({ stanza: element, stamp: datetime() });
    clearTimeout(requestAckTimer);
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(requestAck, sm.requestAckDebounce);
  });

  entity.on("disconnect", () => {
    clearTimers();
    sm.enabled = false;
    sm.enableSent = false;
    inlineEnable = false;
    inlineResume = false;
    // The session may still be resumable: keep id, inbound and the queue.
    if (pending) {
      const { reject } = pending;
      pending = null;
      reject(new Interrupted());
    }
  });

  entity.on("offline", () => {
    // stop(): the session is over for good.
    failQueue();
    forgetSession();
    sm.enabled = false;
    sm.enableSent = false;
  });

  // XEP-0198 §4: RECOMMENDED to report what we handled right before closing gracefully.
  entity.hook("close", async () => {
    if (sm.enabled) await sendAck();
  });

  function clearTimers(): void {
    clearTimeout(ackTimeoutTimer);
    clearTimeout(requestAckTimer);
    clearTimeout(debounceTimer);
    ackTimeoutTimer = undefined;
  }

  function scheduleRequestAck(delay = sm.requestAckInterval): void {
    clearTimeout(requestAckTimer);
    if (!sm.enabled || !delay) return;
    requestAckTimer = setTimeout(requestAck, delay);
  }

  function requestAck(): void {
    clearTimeout(requestAckTimer);
    clearTimeout(debounceTimer);
    if (!sm.enabled) return;
    if (sm.timeout && ackTimeoutTimer === undefined) {
      ackTimeoutTimer = setTimeout(() => {
        clearTimeout(requestAckTimer);
        entity.disconnect().catch(() => undefined);
      }, sm.timeout);
    }
    entity.send(xml("r", { xmlns: NS.sm })).catch(() => undefined);
    scheduleRequestAck();
  }

  function makeEnable(): Element {
    return xml("enable", { xmlns: NS.sm, max: sm.preferredMaximum ?? undefined, resume: sm.allowResume ? "true" : undefined });
  }

  function makeResume(): Element {
    return xml("resume", { xmlns: NS.sm, h: String(sm.inbound), previd: sm.id });
  }

  function canResume(): boolean {
    return sm.negotiate && sm.allowResume && sm.resumable && sm.id !== "";
  }

  /** Sends `<enable/>`/`<resume/>` and waits for the answer the element listener settles. */
  function request(kind: Pending["kind"], element: Element): Promise<Element> {
    return new Promise<Element>((resolve, reject) => {
      pending = { kind, resolve, reject };
      entity.send(element).catch((err: unknown) => {
        if (pending?.kind !== kind) return;
        pending = null;
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /** After `<resumed/>`: re-send what the server did not acknowledge, then report. */
  async function finishResume(previd: string, h: number): Promise<void> {
    const queue = sm.outbound_q;
    sm.outbound_q = [];
    // Sending re-queues each stanza (the `send` listener above): they count again on this stream.
    await entity.sendMany(queue.map((item) => withDelay(item, entity.jid?.toString())));
    sm.emit("resumed", { previd, h, resent: queue.length });
    entity._ready(true);
    scheduleRequestAck();
  }

  /** Stanzas from a session that cannot continue must not count on the next one. */
  function startCounting(): void {
    failQueue();
    sm.enableSent = false;
  }

  if (streamFeatures) {
    // XEP-0198 §3: a client MUST NOT enable before resource binding, unless it resumes.
    streamFeatures.use("sm", NS.sm, async (_ctx, next) => {
      if (!sm.negotiate) return next();
      if (canResume()) {
        const previd = sm.id;
        try {
          const resumed = await request("resume", makeResume());
          await finishResume(previd, parseH(resumed.attrs.h) ?? sm.outbound);
          return;
        } catch (err) {
          // Socket gone: the session may still be resumable later.
          if (err instanceof Interrupted) return;
          // <failed/>: state already reset; go on with a new session, as xmpp.js does.
        }
      }
      await next();
      startCounting();
      try {
        await request("enable", makeEnable());
        scheduleRequestAck();
      } catch {
        // <failed/> (reported as a `failed` event) or the socket went away: no SM on this stream.
      }
    });
  }

  if (sasl2) {
    sasl2.use(
      NS.sm,
      (feature) => {
        if (!feature.is("sm") || !canResume()) return undefined;
        inlineResume = true;
        return makeResume();
      },
      async (element) => {
        if (element.is("resumed")) await finishResume(sm.id, parseH(element.attrs.h) ?? sm.outbound);
      },
    );
  }

  if (bind2) {
    bind2.use(
      NS.sm,
      () => {
        if (!sm.negotiate) return undefined;
        // Leftovers are failed only once <enabled/> shows no resumption happened (onSasl2Success):
        // an inline <resume/> may be in the same <authenticate/>.
        inlineEnable = true;
        return makeEnable();
      },
      (element) => {
        if (element.is("enabled")) scheduleRequestAck();
      },
    );
  }

  return sm;
}

function withDelay({ stanza, stamp }: SmQueueItem, from: string | undefined): Element {
  // XEP-0198 §5 / XEP-0203: a message sent again says when it was meant to be sent.
  if (stanza.name === "message" && !stanza.getChild("delay", NS.delay)) {
    stanza.append(xml("delay", { xmlns: NS.delay, from, stamp }));
  }
  return stanza;
}
