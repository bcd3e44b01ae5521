/**
 * XEP-0198 on one stream: the client's `<enable/>`, `<resume/>`, `<r/>` and `<a/>`, and our own
 * `<r/>` policy (see stream-connection.ts's header). The counting itself is stream-management.ts;
 * hibernation and the resumable-session registry are resumption.ts.
 *
 * Issue 13: when we ask for acks and what an unanswered `<r/>` does follow the session's host
 * (`StanzaSink.streamTimers`): Prosody and ejabberd ask right after each stanza; after Prosody's
 * smacks_max_ack_delay the session manager hears of it (smacks-ack-delayed, a push), after
 * ejabberd's ack_timeout the socket is dropped and the session hibernates.
 */
import { randomBytes, toBase64url } from "./bytes";
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { serializeElement } from "./serialize";
import type { StreamContext } from "./stream-context";
import { REFERENCE_STREAM_TIMERS } from "../../protocol/policy/timers";
import type { StreamTimers } from "../../protocol/policy/types";
import {
  buildSmFailed,
  parseH,
  StreamManagementState,
  withResendDelay,
} from "./stream-management";

export class StreamManagementHandler {
  /** An `<r/>` is out, for which `outbound` value, and the delay timer. */
  private awaitingAck = false;
  private lastRequestedH: number | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs from our `<r/>` until the client's `<a/>`: Prosody's delayed_ack_timer. */
  private overdueTimer: ReturnType<typeof setTimeout> | undefined;
  /** The same for ejabberd's ack_timeout, which ends the socket. */
  private ackTimeoutTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: StreamContext) {}

  /** The XEP-0198 timers of this stream's host. */
  private timers(): StreamTimers {
    return this.ctx.opts.sink.streamTimers?.(this.ctx.fields.domain) ?? REFERENCE_STREAM_TIMERS;
  }

  onElement(el: Element): void {
    const name = el.getName();
    if (name !== "enable" && name !== "resume" && name !== "r" && name !== "a") {
      this.ctx.closeWithStreamError("unsupported-stanza-type", `<${name} xmlns='${NS.sm}'/> is not a stream management element a client sends`);
      return;
    }
    if (this.ctx.fields.phase === "sasl") {
      this.ctx.sendElement(buildSmFailed("unexpected-request", "authenticate first: stream management is offered after SASL (XEP-0198 §3)"));
      return;
    }
    if (name === "enable") this.onEnable(el);
    else if (name === "resume") this.onResume(el);
    else if (name === "r") this.onRequest();
    else this.onAck(el);
  }

  private onEnable(el: Element): void {
    const { ctx } = this;
    const session = ctx.fields.session;
    if (ctx.fields.phase !== "bound" || !session) {
      ctx.sendElement(buildSmFailed("unexpected-request", "Client must bind a resource before enabling stream management"));
      return;
    }
    if (session.sm) {
      ctx.sendElement(buildSmFailed("unexpected-request", "Stream management is already enabled"));
      return;
    }
    const resume = (el.attrs.resume === "true" || el.attrs.resume === "1") && ctx.opts.resumption !== null;
    // XEP-0198 §3: the client's `max` is a preference; we never grant more than our own limit.
    const clientMax = parseH(el.attrs.max);
    const ourMax = ctx.opts.resumptionTimeoutMs;
    const timeoutMs = clientMax !== null && clientMax > 0 ? Math.min(clientMax * 1000, ourMax) : ourMax;
    const id = resume ? toBase64url(randomBytes(18)) : null;
    const attrs: Record<string, string> = { xmlns: NS.sm };
    if (id !== null) {
      attrs.id = id;
      attrs.resume = "true";
      attrs.max = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    }
    // <enabled/> goes out before the counters start (XEP-0198 §4).
    ctx.sendElement(xml("enabled", attrs));
    session.sm = new StreamManagementState(id, timeoutMs);
    if (id !== null) ctx.opts.resumption?.register(session);
    ctx.log.info("stream management enabled", { jid: session.jid, resumable: id !== null, resumptionTimeoutMs: id !== null ? timeoutMs : undefined });
  }

  private onRequest(): void {
    const sm = this.ctx.carriedSm();
    if (!sm) {
      this.ctx.sendElement(buildSmFailed("unexpected-request", "stream management is not enabled on this stream: send <enable/> first"));
      return;
    }
    this.ctx.write(xml("a", { xmlns: NS.sm, h: String(sm.inbound) }).toString());
    this.scheduleAckRequest();
  }

  private onAck(el: Element): void {
    const { ctx } = this;
    const sm = ctx.carriedSm();
    if (!sm) {
      ctx.sendElement(buildSmFailed("unexpected-request", "stream management is not enabled on this stream: send <enable/> first"));
      return;
    }
    const h = parseH(el.attrs.h);
    if (h === null) {
      ctx.closeWithStreamError("invalid-xml", `Missing or invalid 'h' attribute (${JSON.stringify(el.attrs.h ?? null)}): an unsigned 32-bit counter is required (XEP-0198 §4)`);
      return;
    }
    const result = sm.ack(h);
    if (!result.ok) {
      ctx.log.info("client miscounted stream management acks", { jid: ctx.fields.session?.jid, h, sent: sm.outbound, lastAck: sm.lastAck });
      ctx.closeWithStreamError(result.condition, result.text);
      return;
    }
    this.awaitingAck = false;
    this.clearOverdueTimers();
    this.scheduleAckRequest();
  }

  private onResume(el: Element): void {
    const { ctx } = this;
    const { fields } = ctx;
    if (fields.phase !== "bind") {
      ctx.sendElement(buildSmFailed("unexpected-request", "Cannot resume another session after a resource is bound"));
      return;
    }
    const resumption = ctx.opts.resumption;
    const previd = el.attrs.previd;
    const h = parseH(el.attrs.h);
    if (typeof previd !== "string" || previd === "" || h === null) {
      ctx.sendElement(buildSmFailed("bad-request", "<resume/> needs a 'previd' and an 'h' (an unsigned 32-bit counter)"));
      return;
    }
    const found = resumption ? resumption.lookup(previd, `${fields.username ?? ""}@${fields.domain}`) : ({ kind: "unknown" } as const);
    if (found.kind === "expired") {
      ctx.sendElement(buildSmFailed("item-not-found", "Session expired, and cannot be resumed", found.h));
      return;
    }
    if (found.kind === "unknown" || !resumption) {
      ctx.sendElement(buildSmFailed("item-not-found", "Unknown session"));
      return;
    }
    const { session } = found;
    const sm = session.sm;
    if (!sm) {
      ctx.sendElement(buildSmFailed("item-not-found", "Unknown session"));
      return;
    }
    const acked = sm.ack(h);
    if (!acked.ok) {
      ctx.sendElement(buildSmFailed(acked.condition, acked.text, sm.inbound));
      return;
    }
    if (sm.hasOverflowed) {
      ctx.sendElement(buildSmFailed("resource-constraint", "Too many unacked stanzas remaining, session can't be resumed", sm.inbound));
      return;
    }

    const hibernatedMs = resumption.wake(session);
    const previous = session.attach(ctx.transport);
    if (previous && previous !== ctx.transport) previous.releaseSession();
    fields.session = session;
    fields.sessionReported = false;
    fields.phase = "bound";
    ctx.clearHandshakeTimer();
    ctx.write(xml("resumed", { xmlns: NS.sm, previd, h: String(sm.inbound) }).toString());
    // Re-sent, not re-counted: they keep the sequence numbers they had (XEP-0198 §5).
    const pending = sm.pending();
    for (const item of pending) ctx.write(serializeElement(withResendDelay(item, fields.domain)));
    ctx.log.info("session resumed (XEP-0198)", { jid: session.jid, session: session.id, redelivered: pending.length, hibernatedMs });
    try {
      ctx.opts.sink.sessionResumed?.(session, { redelivered: pending.length, hibernatedMs });
    } catch (err) {
      ctx.log.error("session manager failed in sessionResumed", { error: err, jid: session.jid });
    }
    if (sm.unacked > 0) this.requestAck();
  }

  /** Our `<r/>`: see the policy in stream-connection.ts's header. */
  scheduleAckRequest(): void {
    const sm = this.ctx.carriedSm();
    if (!sm || this.ctx.fields.phase !== "bound" || this.awaitingAck || sm.unacked === 0 || sm.outbound === this.lastRequestedH) return;
    const timers = this.timers();
    if (sm.unacked >= timers.ackRequestAfterStanzas) {
      this.requestAck();
      return;
    }
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const current = this.ctx.carriedSm();
      if (current && this.ctx.fields.phase === "bound" && !this.awaitingAck && current.unacked > 0 && current.outbound !== this.lastRequestedH) this.requestAck();
    }, timers.ackRequestDelayMs);
    this.ackTimer.unref?.();
  }

  private requestAck(): void {
    const sm = this.ctx.carriedSm();
    if (!sm) return;
    this.clearAckTimer();
    this.awaitingAck = true;
    this.lastRequestedH = sm.outbound;
    this.ctx.write(xml("r", { xmlns: NS.sm }).toString());
    this.armOverdueTimers();
  }

  /** After our `<r/>`: what its host does when no `<a/>` comes (one timer of each kind at a time, as Prosody keeps one). */
  private armOverdueTimers(): void {
    const { ackOverdueMs, ackTimeoutMs } = this.timers();
    if (ackOverdueMs !== null && !this.overdueTimer) {
      this.overdueTimer = setTimeout(() => {
        this.overdueTimer = undefined;
        this.ackOverdue(ackOverdueMs);
      }, ackOverdueMs);
      this.overdueTimer.unref?.();
    }
    if (ackTimeoutMs !== null && !this.ackTimeoutTimer) {
      this.ackTimeoutTimer = setTimeout(() => {
        this.ackTimeoutTimer = undefined;
        if (!this.awaitingAck || !this.ctx.carriedSm()) return;
        this.ctx.log.info("no stream management ack: dropping the socket, the session hibernates", { jid: this.ctx.fields.session?.jid, waitedMs: ackTimeoutMs });
        this.ctx.dropSocket();
      }, ackTimeoutMs);
      this.ackTimeoutTimer.unref?.();
    }
  }

  /** Prosody's ack_delayed: only while the `<r/>` is still unanswered and the session still on this stream. */
  private ackOverdue(waitedMs: number): void {
    const sm = this.ctx.carriedSm();
    const session = this.ctx.fields.session;
    if (!this.awaitingAck || !sm || !session || this.ctx.fields.phase !== "bound") return;
    this.ctx.log.info("stream management ack overdue", { jid: session.jid, unacked: sm.unacked, waitedMs });
    try {
      this.ctx.opts.sink.sessionAckOverdue?.(session, { unacked: sm.pending(), waitedMs });
    } catch (err) {
      this.ctx.log.error("session manager failed in sessionAckOverdue", { error: err, jid: session.jid });
    }
  }

  private clearOverdueTimers(): void {
    if (this.overdueTimer) clearTimeout(this.overdueTimer);
    if (this.ackTimeoutTimer) clearTimeout(this.ackTimeoutTimer);
    this.overdueTimer = undefined;
    this.ackTimeoutTimer = undefined;
  }

  /** XEP-0198 §4 (as Prosody does): a last `<a/>` before the stream ends, so the client knows what we handled. */
  sendFinalAck(): void {
    const sm = this.ctx.carriedSm();
    if (sm) this.ctx.write(xml("a", { xmlns: NS.sm, h: String(sm.inbound) }).toString());
  }

  /** Every timer of this stream's acks (the stream ends, or another stream took the session). */
  clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.clearOverdueTimers();
  }
}
