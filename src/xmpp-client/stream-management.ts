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
import type XMPPError from "@xmpp/error";
import type { Element } from "@xmpp/xml";
import type { StreamManagement as StockStreamManagement } from "@xmpp/stream-management";
import { NS } from "../protocol/ns";
import { SmWiring } from "./sm-wiring";

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

/** State and settings; the wiring lives in `SmWiring` (sm-wiring.ts). */
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
  /**
   * Test harnesses only (the differential runner's `withhold`): leave the server's `<r/>`
   * unanswered, as an app frozen with its socket open does, so that the server's ack timers run
   * out (Prosody's smacks-ack-delayed push, ejabberd's ack_timeout). Counting goes on, and a
   * graceful close still sends `<a/>`.
   */
  withholdAcks = false;

  /**
   * Count an inbound stanza the client did not parse (client.ts `skipStanza`), exactly as a
   * parsed one is counted: `h`, the ack timeout, the periodic `<r/>`. Set by setupStreamManagement.
   */
  countUnparsedStanza: () => void = () => undefined;

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

/**
 * Wires stream management into an entity. Call it where `@xmpp/client` calls
 * `@xmpp/stream-management`: after SASL, before resource binding (stream features run in order).
 */
export function setupStreamManagement({ entity, streamFeatures, bind2, sasl2 }: SetupStreamManagementDeps): StreamManagement {
  const sm = new StreamManagement();
  const wiring = new SmWiring(entity, sm);
  // Prepended: runs before @xmpp/middleware's listener (and so before iqCaller can swallow a
  // reply), synchronously for each element as the parser emits it.
  entity.prependListener("element", wiring.onElement);
  entity.on("send", wiring.onSend);
  entity.on("disconnect", wiring.onDisconnect);
  entity.on("offline", wiring.onOffline);
  entity.hook("close", wiring.beforeClose);
  // XEP-0198 §3: a client MUST NOT enable before resource binding, unless it resumes.
  streamFeatures?.use("sm", NS.sm, wiring.negotiateFeature);
  sasl2?.use(NS.sm, wiring.sasl2Request, wiring.sasl2Result);
  bind2?.use(NS.sm, wiring.bind2Request, wiring.bind2Result);
  sm.countUnparsedStanza = wiring.onUnparsedStanza;
  return sm;
}
