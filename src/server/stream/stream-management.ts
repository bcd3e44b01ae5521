/**
 * XEP-0198 Stream Management state of one session: the two counters and the queue of stanzas the
 * client has not acknowledged yet. It outlives a single WebSocket (a hibernated session keeps it
 * and a resumed stream continues it), so it lives on the session, not on the connection.
 *
 * Counting (XEP-0198 §4): `inbound` is the `h` we report, the number of stanzas (message, presence,
 * iq) received from the client since `<enable/>`; `sent` counts the stanzas we sent (or queued
 * while hibernated) since `<enabled/>`. Nonzas (`<r/>`, `<a/>`, SASL, `<enabled/>`) never count.
 * Both wrap at 2^32 as the XEP requires, so every comparison here is modulo 2^32.
 *
 * An `<a h/>` may only move forward and never past `sent`; otherwise the client miscounts and,
 * like Prosody, we end the stream with `undefined-condition` and the same texts Prosody sends (so
 * the playground shows a miscounting client the way a real server reacts to it).
 */
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { cloneElement } from "../../protocol/stanzas/xml-util";
import { REFERENCE_STREAM_TIMERS } from "../../protocol/policy/timers";
import type { UnackedStanza } from "../types";

/** Counters are unsigned 32-bit (XEP-0198 §5: "wraps to zero after 2^32-1"). */
export const H_MODULUS = 2 ** 32;
/** Send `<r/>` as soon as this many stanzas are unacknowledged… (hosts of the spec and Tigase policies; issue 13 gives Prosody's and ejabberd's their servers' timing) */
export const ACK_REQUEST_AFTER_STANZAS = REFERENCE_STREAM_TIMERS.ackRequestAfterStanzas;
/** …or once any stanza has waited this long without an acknowledgement. */
export const ACK_REQUEST_DELAY_MS = REFERENCE_STREAM_TIMERS.ackRequestDelayMs;
/**
 * Unacknowledged stanzas kept per session. Past this the oldest are forgotten and the session can
 * no longer be resumed (as Prosody's smqueue does), so a client that never acks cannot grow memory.
 */
export const MAX_UNACKED_STANZAS = 10_000;

export type AckResult =
  | { ok: true; acked: number }
  | { ok: false; condition: "undefined-condition"; text: string };

interface Queued extends UnackedStanza {
  /** Sequence number of this stanza (the `h` that acknowledges it), modulo 2^32. */
  seq: number;
}

const wrap = (n: number): number => ((n % H_MODULUS) + H_MODULUS) % H_MODULUS;
/** a - b modulo 2^32, in 0..2^32-1. */
const distance = (a: number, b: number): number => wrap(a - b);

export class StreamManagementState {
  /** `h` we report: stanzas handled from the client. */
  private received: number;
  /** Stanzas sent or queued to the client. */
  private sent: number;
  /** Last `h` the client acknowledged. */
  private acked: number;
  private readonly queue: Queued[] = [];
  /** Set once stanzas had to be forgotten (MAX_UNACKED_STANZAS): resumption would lose them. */
  private overflowed = false;

  constructor(
    /** The resumption id (`<enabled id/>`), or null when the client did not ask for resumption. */
    readonly resumeId: string | null,
    /** How long a hibernated session waits for its client (the `max` we announced), in ms. */
    readonly resumptionTimeoutMs: number,
    /** Start value of every counter (tests exercise the 2^32 wrap without sending 4 billion stanzas). */
    start = 0,
    private readonly maxUnacked = MAX_UNACKED_STANZAS,
  ) {
    this.received = wrap(start);
    this.sent = wrap(start);
    this.acked = wrap(start);
  }

  get resumable(): boolean {
    return this.resumeId !== null;
  }

  /** The `h` to put in our `<a/>` and `<resumed/>`. */
  get inbound(): number {
    return this.received;
  }

  /** Stanzas sent so far (what a correct client's `h` reaches once it has read everything). */
  get outbound(): number {
    return this.sent;
  }

  /** The client's last acknowledged `h`. */
  get lastAck(): number {
    return this.acked;
  }

  /** Stanzas sent but not acknowledged (including any forgotten on overflow). */
  get unacked(): number {
    return distance(this.sent, this.acked);
  }

  get hasOverflowed(): boolean {
    return this.overflowed;
  }

  /** One stanza arrived from the client. */
  countInbound(): void {
    this.received = wrap(this.received + 1);
  }

  /** One stanza goes to the client (now, or later on resumption); it stays queued until acked. */
  recordOutbound(stanza: Element, at = new Date()): void {
    this.sent = wrap(this.sent + 1);
    this.queue.push({ stanza, at, seq: this.sent });
    if (this.queue.length > this.maxUnacked) {
      this.queue.shift();
      this.overflowed = true;
    }
  }

  /**
   * Applies the client's `h`. It must lie between the last acknowledged value and what was sent
   * (modulo 2^32); otherwise the stream has to end and nothing changes here.
   */
  ack(h: number): AckResult {
    const forward = distance(h, this.acked);
    const outstanding = this.unacked;
    if (forward > outstanding) {
      // h lies outside [acked, sent]: decide which side by the shorter way round the circle.
      const backward = distance(this.acked, h);
      return backward < forward
        ? { ok: false, condition: "undefined-condition", text: `Client acknowledged less stanzas than already acknowledged (h=${h} after h=${this.acked})` }
        : { ok: false, condition: "undefined-condition", text: `Client acknowledged more stanzas than sent by server (h=${h}, but the server sent ${this.sent})` };
    }
    this.acked = wrap(h);
    while (this.queue.length > 0 && distance(this.acked, (this.queue[0] as Queued).seq) < H_MODULUS / 2) this.queue.shift();
    return { ok: true, acked: forward };
  }

  /** The unacknowledged stanzas, oldest first (kept: they stay unacked until the client says so). */
  pending(): readonly UnackedStanza[] {
    return this.queue.map(({ stanza, at }) => ({ stanza, at }));
  }

  /** Empties the queue for good (the session ended) and returns what was in it, oldest first. */
  drain(): UnackedStanza[] {
    const items = this.queue.map(({ stanza, at }) => ({ stanza, at }));
    this.queue.length = 0;
    this.acked = this.sent;
    return items;
  }
}

/** A counter value as it appears in `h` (a decimal xs:unsignedInt); null when it is not one. */
export function parseH(raw: unknown): number | null {
  if (typeof raw !== "string" || !/^\d{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n < H_MODULUS ? n : null;
}

/** `<failed xmlns='urn:xmpp:sm:3'>` with a stanza error condition, a text and, when known, our `h`. */
export function buildSmFailed(condition: string, text: string, h?: number): Element {
  const attrs: Record<string, string> = { xmlns: NS.sm };
  if (h !== undefined) attrs.h = String(h);
  return xml("failed", attrs, xml(condition, { xmlns: NS.stanzaErrors }), xml("text", { xmlns: NS.stanzaErrors, "xml:lang": "en" }, text));
}

/**
 * A stanza as it is re-sent on resumption: messages and presences carry a XEP-0203 `<delay/>` with
 * the time we first sent them (as Prosody stamps its smacks queue), unless they already have one.
 */
export function withResendDelay(item: UnackedStanza, domain: string): Element {
  const { stanza } = item;
  if (stanza.name === "iq" || stanza.getChild("delay", NS.delay)) return stanza;
  const copy = cloneElement(stanza);
  copy.append(xml("delay", { xmlns: NS.delay, from: domain, stamp: item.at.toISOString() }));
  return copy;
}
