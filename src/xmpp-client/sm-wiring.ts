/**
 * The per-entity half of our XEP-0198 client (stream-management.ts says what differs from the
 * stock module and why): counts every inbound stanza, keeps our stanzas until the server
 * acknowledges them, asks for acks on timers, and negotiates `<enable/>` / `<resume/>`, either as
 * a stream feature or inline in SASL2's `<authenticate/>` and bind2.
 */
import XMPPError from "@xmpp/error";
import { datetime } from "@xmpp/time";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { NS } from "../protocol/ns";
import type { SmEntity, SmQueueItem, StreamManagement } from "./stream-management";

const NS_SASL2 = "urn:xmpp:sasl:2";
const NS_BIND2 = "urn:xmpp:bind:0";
/** Sequence numbers are unsigned 32-bit and wrap (XEP-0198 §5). */
const H_MODULO = 2 ** 32;

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

type Timer = ReturnType<typeof setTimeout>;

/**
 * Holds the negotiation and timer state of one entity's stream management. Its public members
 * are the listeners and feature handlers `setupStreamManagement` plugs into the entity.
 */
export class SmWiring {
  private pending: Pending | null = null;
  /** `<enable/>` / `<resume/>` went inside SASL2's `<authenticate/>` (XEP-0388/XEP-0386). */
  private inlineEnable = false;
  private inlineResume = false;
  private requestAckTimer: Timer | undefined;
  /** When the periodic `<r/>` is due; the timer fires at `requestAckArmedFor` and re-arms if it moved. */
  private requestAckAt = 0;
  private requestAckArmedFor = 0;
  private debounceTimer: Timer | undefined;
  private ackTimeoutTimer: Timer | undefined;

  constructor(
    private readonly entity: SmEntity,
    private readonly sm: StreamManagement,
  ) {}

  // -------------------------------------------------------------------------------------------
  // entity events

  /** Every top-level inbound element, synchronously as the parser emits it. */
  readonly onElement = (element: Element): void => {
    // Any inbound traffic shows the connection is alive.
    clearTimeout(this.ackTimeoutTimer);
    this.ackTimeoutTimer = undefined;
    if (isStanza(element)) {
      if (this.sm.enabled) this.sm.inbound = (this.sm.inbound + 1) % H_MODULO;
    } else if (element.attrs.xmlns === NS.sm) {
      this.onSmElement(element);
    } else if (element.is("success", NS_SASL2)) {
      this.onSasl2Success(element);
    }
    this.scheduleRequestAck();
  };

  /** A stanza the client received but did not parse (client.ts `skipStanza`): counted as `onElement` counts one. */
  readonly onUnparsedStanza = (): void => {
    clearTimeout(this.ackTimeoutTimer);
    this.ackTimeoutTimer = undefined;
    if (this.sm.enabled) this.sm.inbound = (this.sm.inbound + 1) % H_MODULO;
    this.scheduleRequestAck();
  };

  readonly onSend = (element: Element): void => {
    if (element.is("enable", NS.sm)) {
      this.sm.enableSent = true;
      return;
    }
    if (!isStanza(element) || (!this.sm.enabled && !this.sm.enableSent)) return;
    this.sm.outbound_q.push(new QueuedStanza(element, Date.now()));
    this.cancelRequestAck();
    this.debounceRequestAck();
  };

  /** An `<r/>` `requestAckDebounce` after the last stanza sent: one timer per burst, moved by a due time. */
  private debounceAt = 0;
  private debounceRequestAck(): void {
    const ms = this.sm.requestAckDebounce;
    this.debounceAt = Date.now() + ms;
    if (this.debounceTimer !== undefined) return;
    const arm = (wait: number): void => {
      this.debounceTimer = setTimeout(() => {
        this.debounceTimer = undefined;
        const left = this.debounceAt - Date.now();
        if (left > 0) arm(left);
        else this.requestAck();
      }, wait);
    };
    arm(ms);
  }

  readonly onDisconnect = (): void => {
    this.clearTimers();
    this.sm.enabled = false;
    this.sm.enableSent = false;
    this.inlineEnable = false;
    this.inlineResume = false;
    // The session may still be resumable: keep id, inbound and the queue.
    if (this.pending) {
      const { reject } = this.pending;
      this.pending = null;
      reject(new Interrupted());
    }
  };

  /** stop(): the session is over for good. */
  readonly onOffline = (): void => {
    this.failQueue();
    this.forgetSession();
    this.sm.enabled = false;
    this.sm.enableSent = false;
  };

  /** XEP-0198 §4: RECOMMENDED to report what we handled right before closing gracefully. */
  readonly beforeClose = async (): Promise<void> => {
    if (this.sm.enabled) await this.sendAck();
  };

  // -------------------------------------------------------------------------------------------
  // negotiation

  /** The `sm` stream feature: resume if we can, else bind (`next`) and enable. */
  readonly negotiateFeature = async (_ctx: unknown, next: () => Promise<unknown>): Promise<unknown> => {
    const { sm } = this;
    if (!sm.negotiate) return next();
    if (this.canResume()) {
      const previd = sm.id;
      try {
        const resumed = await this.request("resume", this.makeResume());
        await this.finishResume(previd, parseH(resumed.attrs.h) ?? sm.outbound);
        return;
      } catch (err) {
        // Socket gone: the session may still be resumable later.
        if (err instanceof Interrupted) return;
        // <failed/>: state already reset; go on with a new session, as xmpp.js does.
      }
    }
    await next();
    this.startCounting();
    try {
      await this.request("enable", this.makeEnable());
      this.scheduleRequestAck();
    } catch {
      // <failed/> (reported as a `failed` event) or the socket went away: no SM on this stream.
    }
    return undefined;
  };

  /** SASL2 inline feature: a `<resume/>` inside `<authenticate/>` when the session can be resumed. */
  readonly sasl2Request = (feature: Element): Element | undefined => {
    if (!feature.is("sm") || !this.canResume()) return undefined;
    this.inlineResume = true;
    return this.makeResume();
  };

  readonly sasl2Result = async (element: Element): Promise<void> => {
    if (element.is("resumed")) await this.finishResume(this.sm.id, parseH(element.attrs.h) ?? this.sm.outbound);
  };

  /** bind2 inline feature: `<enable/>` inside the bind request. */
  readonly bind2Request = (): Element | undefined => {
    if (!this.sm.negotiate) return undefined;
    // Leftovers are failed only once <enabled/> shows no resumption happened (onSasl2Success):
    // an inline <resume/> may be in the same <authenticate/>.
    this.inlineEnable = true;
    return this.makeEnable();
  };

  readonly bind2Result = (element: Element): void => {
    if (element.is("enabled")) this.scheduleRequestAck();
  };

  private onSmElement(element: Element): void {
    switch (element.name) {
      case "r":
        if (this.sm.enabled && !this.sm.withholdAcks) void this.sendAck();
        return;
      case "a":
        if (this.sm.enabled) this.ackQueue(element.attrs.h);
        return;
      case "enabled":
        if (this.pending?.kind !== "enable") return;
        this.applyEnabled(element);
        this.settle("enable", element, true);
        return;
      case "resumed":
        if (this.pending?.kind !== "resume") return;
        this.applyResumed(element);
        this.settle("resume", element, true);
        return;
      case "failed": {
        const kind = this.pending?.kind;
        if (!kind) return;
        this.applyFailed(kind, element);
        this.settle(kind, element, false);
        return;
      }
    }
  }

  /** SASL2 success carries inline `<resumed/>`/`<failed/>` and bind2's `<bound><enabled/></bound>`. */
  private onSasl2Success(success: Element): void {
    if (this.inlineResume) {
      this.inlineResume = false;
      const resumed = success.getChild("resumed", NS.sm);
      const failed = success.getChild("failed", NS.sm);
      if (resumed) this.applyResumed(resumed);
      else if (failed) this.applyFailed("resume", failed);
    }
    if (this.inlineEnable) {
      this.inlineEnable = false;
      const bound = success.getChild("bound", NS_BIND2);
      const enabled = bound?.getChild("enabled", NS.sm);
      const failed = bound?.getChild("failed", NS.sm);
      if (enabled) {
        // A new session (no resumption happened): what the old one left unacknowledged is lost.
        this.failQueue();
        this.applyEnabled(enabled);
      } else if (failed) this.applyFailed("enable", failed);
    }
  }

  private makeEnable(): Element {
    return xml("enable", { xmlns: NS.sm, max: this.sm.preferredMaximum ?? undefined, resume: this.sm.allowResume ? "true" : undefined });
  }

  private makeResume(): Element {
    return xml("resume", { xmlns: NS.sm, h: String(this.sm.inbound), previd: this.sm.id });
  }

  private canResume(): boolean {
    const { sm } = this;
    return sm.negotiate && sm.allowResume && sm.resumable && sm.id !== "";
  }

  /** Sends `<enable/>`/`<resume/>` and waits for the answer the element listener settles. */
  private request(kind: Pending["kind"], element: Element): Promise<Element> {
    return new Promise<Element>((resolve, reject) => {
      this.pending = { kind, resolve, reject };
      this.entity.send(element).catch((err: unknown) => {
        if (this.pending?.kind !== kind) return;
        this.pending = null;
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  private settle(kind: Pending["kind"], element: Element, ok: boolean): void {
    if (!this.pending || this.pending.kind !== kind) return;
    const { resolve, reject } = this.pending;
    this.pending = null;
    if (ok) resolve(element);
    else reject(failureOf(element));
  }

  /** After `<resumed/>`: re-send what the server did not acknowledge, then report. */
  private async finishResume(previd: string, h: number): Promise<void> {
    const queue = this.sm.outbound_q;
    this.sm.outbound_q = [];
    // Sending re-queues each stanza (the `send` listener above): they count again on this stream.
    await this.entity.sendMany(queue.map((item) => withDelay(item, this.entity.jid?.toString())));
    this.sm.emit("resumed", { previd, h, resent: queue.length });
    this.entity._ready(true);
    this.scheduleRequestAck();
  }

  /** Stanzas from a session that cannot continue must not count on the next one. */
  private startCounting(): void {
    this.failQueue();
    this.sm.enableSent = false;
  }

  // -------------------------------------------------------------------------------------------
  // state changes

  private applyEnabled(enabled: Element): void {
    const { sm } = this;
    sm.enabled = true;
    sm.id = typeof enabled.attrs.id === "string" ? enabled.attrs.id : "";
    sm.resumable = sm.id !== "" && (enabled.attrs.resume === "true" || enabled.attrs.resume === "1");
    sm.max = parseMax(enabled.attrs.max);
    sm.location = typeof enabled.attrs.location === "string" ? enabled.attrs.location : undefined;
    // XEP-0198 §4: our 'h' starts at zero on receiving <enabled/>, before anything after it.
    sm.inbound = 0;
    sm.emit("enabled", sm.snapshot());
  }

  private applyResumed(resumed: Element): void {
    // `h` we sent in <resume/> stands; stanzas the server re-sends right after count on top of it.
    this.sm.enabled = true;
    this.ackQueue(resumed.attrs.h);
  }

  private applyFailed(phase: "enable" | "resume", failed: Element): void {
    if (phase === "resume") {
      // XEP-0198 §5: the server may say how many of our stanzas it handled before the session died.
      if (failed.attrs.h !== undefined) this.ackQueue(failed.attrs.h);
      this.failQueue();
      this.forgetSession();
    }
    this.sm.enabled = false;
    this.sm.enableSent = false;
    this.sm.emit("failed", { phase, error: failureOf(failed) });
  }

  private forgetSession(): void {
    const { sm } = this;
    sm.id = "";
    sm.resumable = false;
    sm.max = null;
    sm.location = undefined;
    sm.inbound = 0;
  }

  // -------------------------------------------------------------------------------------------
  // acks

  private sendAck(): Promise<void> {
    // `h` is read now, synchronously, so it covers exactly the stanzas parsed before this <r/>.
    return this.entity.send(xml("a", { xmlns: NS.sm, h: String(this.sm.inbound) })).catch(() => undefined);
  }

  private ackQueue(hValue: unknown): void {
    const { sm } = this;
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

  private failQueue(): void {
    let item: SmQueueItem | undefined;
    while ((item = this.sm.outbound_q.shift())) this.sm.emit("fail", item.stanza);
    this.sm.outbound = 0;
  }

  private clearTimers(): void {
    clearTimeout(this.ackTimeoutTimer);
    this.cancelRequestAck();
    clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
    this.ackTimeoutTimer = undefined;
  }

  /**
   * The periodic `<r/>`, `delay` after the last traffic. Every inbound stanza moves it: rather than
   * a clearTimeout and a setTimeout per stanza (10,000 presences when 100 resources connect), the
   * due time moves and the one timer re-arms for the rest when it fires early.
   */
  private scheduleRequestAck(delay = this.sm.requestAckInterval): void {
    if (!this.sm.enabled || !delay) {
      this.cancelRequestAck();
      return;
    }
    this.requestAckAt = Date.now() + delay;
    if (this.requestAckTimer === undefined || this.requestAckAt < this.requestAckArmedFor) this.armRequestAck(delay);
  }

  private armRequestAck(ms: number): void {
    clearTimeout(this.requestAckTimer);
    this.requestAckArmedFor = Date.now() + ms;
    this.requestAckTimer = setTimeout(() => {
      this.requestAckTimer = undefined;
      const left = this.requestAckAt - Date.now();
      if (left > 0) this.armRequestAck(left);
      else this.requestAck();
    }, ms);
  }

  private cancelRequestAck(): void {
    clearTimeout(this.requestAckTimer);
    this.requestAckTimer = undefined;
  }

  private requestAck(): void {
    this.cancelRequestAck();
    clearTimeout(this.debounceTimer);
    this.debounceTimer = undefined;
    if (!this.sm.enabled) return;
    if (this.sm.timeout && this.ackTimeoutTimer === undefined) {
      this.ackTimeoutTimer = setTimeout(() => {
        this.cancelRequestAck();
        this.entity.disconnect().catch(() => undefined);
      }, this.sm.timeout);
    }
    this.entity.send(xml("r", { xmlns: NS.sm })).catch(() => undefined);
    this.scheduleRequestAck();
  }
}

/**
 * A stanza kept until the server acknowledges it. Its `<delay/>` stamp is only needed if it is
 * sent again after a resumption, so it is formatted then, not for every stanza sent.
 */
class QueuedStanza implements SmQueueItem {
  constructor(
    readonly stanza: Element,
    private readonly sentAt: number,
  ) {}

  get stamp(): string {
    return datetime(new Date(this.sentAt));
  }
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

function withDelay({ stanza, stamp }: SmQueueItem, from: string | undefined): Element {
  // XEP-0198 §5 / XEP-0203: a message sent again says when it was meant to be sent.
  if (stanza.name === "message" && !stanza.getChild("delay", NS.delay)) {
    stanza.append(xml("delay", { xmlns: NS.delay, from, stamp }));
  }
  return stanza;
}
