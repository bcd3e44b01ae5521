/**
 * Issue 13: the pushes a server makes when a timer runs out rather than when a message is routed,
 * and the hibernation window that decides when such a timer ends a session. Each asks the host's
 * policy (src/protocol/policy: `onAckOverdue`, `onWakeUp`, `endsPushHibernation`,
 * `timers.ts`'s `hibernationWindow`) and writes what happened to the decision log, so the
 * playground can say e.g. "Prosody pushed because the acks of phone were overdue".
 *
 * - Prosody's smacks-ack-delayed: an `<r/>` of a connected session unanswered for 30 s (the stream
 *   layer's timer, sm-handler.ts) pushes the session's registration for its queue after the 1 s
 *   push_queue timer (the publisher's batch).
 * - The push hibernation: Prosody's mod_cloud_notify and ejabberd's mod_push_keepalive keep a
 *   hibernated session that enabled push for 72 h instead of the 60 s resumption, until the first
 *   push for an important message through its queue; the normal timeout then runs from that push.
 * - ejabberd's wake-up push 2 min before the 72 h end (wake_on_timeout).
 */
import type { Element } from "@xmpp/xml";
import { copyDetached, holdersOfKey } from "../../../protocol/account";
import { holdsPushIdentifier } from "../../../protocol/policy/common";
import { hibernationWindow, durationText, type HibernationWindow } from "../../../protocol/policy/timers";
import type { HibernationInput, HibernationPushDecision, PushDecision, PushPolicy, QueuedStanzaSnapshot, RegistrationSnapshot } from "../../../protocol/policy/types";
import type { Delivery, MessageSnapshot } from "../../../protocol/policy/types";
import { messageSnapshot } from "../../../protocol/stanzas/message";
import { localName } from "../../../protocol/stanzas/xml-util";
import type { HibernationWindowControl, UnackedStanza } from "../../types";
import type { SessionContext } from "../context";
import type { Host } from "../hosts";
import type { HibernationWindowState, SessionRecord } from "../session-registry";
import type { Publisher } from "./publisher";

/** What the policies read of one unacknowledged stanza. */
export function queuedSnapshot(stanza: Element, ownDomain: string): QueuedStanzaSnapshot {
  const name = localName(stanza);
  if (name === "message") return { name, message: messageSnapshot(stanza, { ownDomain }) };
  return { name: name === "iq" ? "iq" : "presence" };
}

/** setTimeout's longest delay (about 24.8 days): a host configured beyond it gets no wake-up push. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How each server ends the push hibernation, in its own words. */
const RESTORE_WORDS: Partial<Record<PushPolicy["name"], string>> = {
  prosody: "Prosody's first push for an important message while hibernated sets first_hibernated_push and restores the smacks watchdog",
  ejabberd: "mod_push_keepalive restores mod_stream_mgmt's resume_timeout on the first incoming chat message with a body",
};

export class TimerPushes {
  constructor(
    private readonly ctx: SessionContext,
    private readonly publisher: Publisher,
  ) {}

  /** The input every timer decision reads, for one session. */
  input(host: Host, record: SessionRecord, unacked: readonly UnackedStanza[]): HibernationInput {
    const account = record.session.account;
    const detached = copyDetached(this.ctx.accounts.get(account));
    return {
      account,
      sessions: this.ctx.sessions.snapshotsOf(account),
      registrations: this.ctx.accounts.registrations(account),
      sessionId: record.session.id,
      queued: unacked.map(({ stanza }) => queuedSnapshot(stanza, host.domain)),
      options: host.options,
      ...(detached.length > 0 ? { detached } : {}),
    };
  }

  /** A session went into hibernation: its window (moved when the policy keeps push-enabled sessions longer). */
  startWindow(host: Host, record: SessionRecord, input: HibernationInput, info: { resumptionTimeoutMs: number; window?: HibernationWindowControl }): HibernationWindow {
    this.endWindow(record);
    const window = hibernationWindow(host.policy, input, info.resumptionTimeoutMs);
    if (window.timeoutMs !== info.resumptionTimeoutMs) info.window?.restart(window.timeoutMs);
    const state: HibernationWindowState = { control: info.window ?? null, extended: window.extended, normalMs: info.resumptionTimeoutMs, wakeTimer: null, restoreTimer: null };
    record.hibernation = state;
    if (window.wakeUpAfterMs !== null && window.wakeUpAfterMs <= MAX_TIMER_MS) {
      const sessionId = record.session.id;
      state.wakeTimer = this.ctx.timers.set(() => this.wakeUp(host, record, sessionId), window.wakeUpAfterMs);
      // A 72 h timer must not keep a process alive that has nothing else to do.
      state.wakeTimer?.unref?.();
    }
    return window;
  }

  /** The session was resumed or is gone: its window and wake-up timer end with it. */
  endWindow(record: SessionRecord): void {
    const state = record.hibernation;
    if (state) {
      this.ctx.timers.clear(state.wakeTimer);
      this.ctx.timers.clear(state.restoreTimer);
    }
    delete record.hibernation;
  }

  /**
   * After a message decision: a push for a message that ends the push hibernation (the policy's
   * `endsPushHibernation`), through the queue of a hibernated session still in it, restores the
   * normal timeout from the moment of that push (`delayMs` later: Prosody's 1 s batch, which a
   * resumption cancels along with the push).
   */
  afterMessage(host: Host, account: string, decision: PushDecision, message: MessageSnapshot, delivery: Delivery, causeSeq: number): void {
    if (host.policy.endsPushHibernation?.(message) !== true) return;
    for (const verdict of decision.verdicts) {
      if (!verdict.push) continue;
      // The session whose queue pushed it: its enabling session, or under Prosody another holder of its push identifier.
      const holders = holdersOfKey(this.ctx.accounts.get(account), verdict.key);
      const record = this.ctx.sessions.recordsOf(account).find((r) => holders.includes(r.session.id) && r.state === "hibernated" && delivery.deliveredTo.includes(r.session.resource));
      const state = record?.hibernation;
      if (!record || !state?.extended || state.restoreTimer || record.state !== "hibernated" || !delivery.deliveredTo.includes(record.session.resource)) continue;
      const delayMs = verdict.delayMs ?? decision.delayMs;
      if (delayMs <= 0) {
        this.restore(host, record, causeSeq);
        continue;
      }
      state.restoreTimer = this.ctx.timers.set(() => {
        state.restoreTimer = null;
        if (record.hibernation === state) this.restore(host, record, causeSeq);
      }, delayMs);
    }
  }

  /**
   * An App Server answer removed `removed`: under a policy where that ends the push hibernation
   * (Prosody at push_max_errors), a hibernated session left holding no registration gets the
   * normal timeout from now.
   */
  registrationRemoved(host: Host, account: string, removed: RegistrationSnapshot): void {
    if (host.policy.removalEndsPushHibernation !== true) return;
    const record = this.ctx.sessions.recordsOf(account).find((r) => r.session.id === removed.enabledBySessionId);
    if (!record?.hibernation?.extended || record.state !== "hibernated") return;
    const left = this.ctx.accounts.registrations(account);
    if (left.some((r) => r.enabledBySessionId === removed.enabledBySessionId && holdsPushIdentifier(r, left))) return;
    this.restore(host, record, `the App Server's errors removed registration ${removed.node || removed.jid}, so Prosody clears ${record.session.resource}'s push_identifier and restores the smacks watchdog`);
  }

  private restore(host: Host, record: SessionRecord, cause: number | string): void {
    const state = record.hibernation;
    if (!state?.extended) return;
    state.extended = false;
    this.ctx.timers.clear(state.wakeTimer);
    state.wakeTimer = null;
    const timeoutMs = state.normalMs;
    state.control?.restart(timeoutMs);
    const { session } = record;
    const words = typeof cause === "string" ? cause : `${RESTORE_WORDS[host.policy.name] ?? "the first important push ends the push hibernation"} (decision #${cause})`;
    const from = typeof cause === "string" ? "from now" : "from that push";
    this.ctx.recorder.sessionState(host, session.account, "session-window-restored", {
      resource: session.resource,
      sessionId: session.id,
      sessions: this.ctx.sessions.snapshotsOf(session.account),
      unacked: state.control?.unacked() ?? 0,
      resumptionTimeoutMs: timeoutMs,
      why: `${words}: ${session.resource} now stays resumable for ${durationText(timeoutMs)} ${from}, no longer for the push hibernation`,
    });
  }

  /** Prosody's smacks-ack-delayed: an `<r/>` of this connected session went unanswered for `waitedMs`. */
  ackOverdue(host: Host, record: SessionRecord, info: { unacked: readonly UnackedStanza[]; waitedMs: number }): void {
    const input = this.input(host, record, info.unacked);
    const decision = host.policy.onAckOverdue?.(input) ?? null;
    const { resource } = record.session;
    this.recordTimerDecision(host, record, "session-ack-overdue", input, decision, info.unacked.length,
      `${resource}'s client left an <r/> unanswered for ${durationText(info.waitedMs)} with ${info.unacked.length} unacknowledged stanza(s); no push, as it holds no push registration or nothing is queued`);
  }

  /** ejabberd's push_keepalive timer: the session is still pending in its extended window. */
  private wakeUp(host: Host, record: SessionRecord, sessionId: string): void {
    if (record.hibernation) record.hibernation.wakeTimer = null;
    if (this.ctx.sessions.current(record.session) !== record || record.session.id !== sessionId || record.state !== "hibernated") return;
    const input = this.input(host, record, []);
    const decision = host.policy.onWakeUp?.(input) ?? null;
    this.recordTimerDecision(host, record, "session-wake-up", input, decision, record.hibernation?.control?.unacked() ?? 0,
      `${record.session.resource}'s extended hibernation is about to end, but it holds no push registration any more: no wake-up push`);
  }

  /** A timer's decision into the log (the decision's reason, or `noPush` when it pushes nothing), then its publishes. */
  private recordTimerDecision(
    host: Host,
    record: SessionRecord,
    kind: "session-ack-overdue" | "session-wake-up",
    input: HibernationInput,
    decision: HibernationPushDecision | null,
    unacked: number,
    noPush: string,
  ): void {
    const { session } = record;
    const entry = this.ctx.recorder.sessionState(host, session.account, kind, {
      resource: session.resource,
      sessionId: session.id,
      sessions: input.sessions,
      unacked,
      ...(decision ? { decision } : {}),
      why: decision ? decision.reason : noPush,
    });
    this.publish(host, session.account, decision, entry.seq);
  }

  private publish(host: Host, account: string, decision: HibernationPushDecision | null, causeSeq: number): void {
    for (const push of decision?.pushes ?? []) {
      this.publisher.publishAll(host, account, [{ key: push.key, delayMs: decision?.delayMs ?? 0 }], push.summary, causeSeq);
    }
  }
}
