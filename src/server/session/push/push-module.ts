/**
 * Every push the server sends starts here, the way Prosody's mod_cloud_notify hooks the session
 * manager's events: a routed message, offline storage, XEP-0198 hibernation and resumption, a
 * presence change. Each trigger asks the host's PushPolicy, writes the decision to the record and
 * hands the publishes to the Publisher; registrations and counters change only through the
 * shared account model (src/protocol/account), as the playground's predictions do.
 */
import type { Element } from "@xmpp/xml";
import { accountOnline, decideMessage, offlineDelivered, sessionEnded, storedOffline } from "../../../protocol/account";
import { presenceText, regsPhrase } from "../../../protocol/policy/common";
import { durationText } from "../../../protocol/policy/timers";
import type { IqType, PushPolicy, SessionSnapshot } from "../../../protocol/policy/types";
import { isOnline } from "../../../protocol/routing";
import { parseRemoteDisable } from "../../../protocol/stanzas/push";
import { attrOf } from "../../../protocol/stanzas/xml-util";
import type { HibernationWindowControl, UnackedStanza } from "../../types";
import type { SessionContext } from "../context";
import type { MessageRoutedEvent, SessionEvents } from "../events";
import type { Host } from "../hosts";
import { plural, seconds } from "../sentences";
import { snapshotOf, type SessionRecord } from "../session-registry";
import { Publisher } from "./publisher";
import { RegistrationIqs } from "./registration-iqs";
import { answerTestPush } from "./test-push";
import { TimerPushes } from "./timer-pushes";

export class PushModule implements SessionEvents {
  private readonly publisher: Publisher;
  private readonly registrations: RegistrationIqs;
  private readonly timerPushes: TimerPushes;

  constructor(private readonly ctx: SessionContext) {
    // The timer pushes exist by the time an App Server answers.
    this.publisher = new Publisher(ctx, (host, account, removed) => this.timerPushes.registrationRemoved(host, account, removed));
    this.registrations = new RegistrationIqs(ctx);
    this.timerPushes = new TimerPushes(ctx, this.publisher);
  }

  // ---- the account's own iqs and the App Server's answers ------------------------------------

  enable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    this.registrations.enable(sender, iq, host, iqType);
  }

  disable(sender: SessionRecord, iq: Element, host: Host, iqType: IqType): void {
    this.registrations.disable(sender, iq, host, iqType);
  }

  /** The owner's `<test-push/>` (test-push.ts): one publish to one registration, answered with its outcome. */
  testPush(sender: SessionRecord, iq: Element, host: Host): void {
    answerTestPush(this.ctx, this.publisher, sender, iq, host);
  }

  /** An iq result/error to a local domain that may answer a pending publish; whether it did. */
  handleIqAnswer(domain: string, iq: Element, from: string): boolean {
    return this.publisher.handleIqAnswer(domain, iq, from);
  }

  // ---- session manager events --------------------------------------------------------------

  messageToAccount(host: Host, account: string, stanza: Element): boolean {
    const request = parseRemoteDisable(stanza);
    return request !== null && this.registrations.remoteDisable(host, account, request);
  }

  messageRouted(event: MessageRoutedEvent): void {
    const { host, account, sender, stanza, sessions, delivery } = event;
    const { input, decision } = this.ctx.accounts.apply(account, (state) =>
      decideMessage(state, host.policy, { account, sessions, message: event.message, delivery, options: host.options }),
    );
    const entry = this.ctx.recorder.messageDecision(host, account, {
      messageId: attrOf(stanza, "id") ?? null,
      from: attrOf(stanza, "from") ?? sender.session.jid,
      to: event.to,
      sessions: input.sessions,
      registrations: input.registrations,
      delivery,
      decision,
      // The rest of the DecisionInput, so the record explains itself (issue 9).
      message: input.message,
      options: input.options,
      pushedSinceOnline: input.pushedSinceOnline,
      offlineCount: input.offlineCount,
      ...(input.detached ? { detached: input.detached } : {}),
    });
    const pushes = decision.verdicts.filter((v) => v.push).map((v) => ({ key: v.key, delayMs: v.delayMs ?? decision.delayMs }));
    this.publisher.publishAll(host, account, pushes, decision.summary, entry.seq);
    this.timerPushes.afterMessage(host, account, decision, event.message, delivery, entry.seq);
  }

  storedOffline(_host: Host, account: string): void {
    this.ctx.accounts.update(account, (state) => storedOffline(state, this.ctx.offline.cap));
  }

  offlineDelivered(_host: Host, record: SessionRecord): void {
    this.ctx.accounts.update(record.session.account, offlineDelivered);
  }

  presenceChanged(host: Host, record: SessionRecord, change: { available: boolean; before: SessionSnapshot; after: SessionSnapshot }): void {
    const account = record.session.account;
    if (!isOnline(change.before, host.options) && isOnline(change.after, host.options)) this.ctx.accounts.update(account, accountOnline);
    if (change.available) this.presencePing(host, record);
    this.presenceQueued(host, record);
  }

  /**
   * Issue 13: the presence `from` broadcast went into the queue of each hibernated session of the
   * account that had sent presence (RFC 6121 §4.2.2 broadcasts to available sessions): Prosody and
   * ejabberd push its registration for it (PushPolicy.onStanzaQueued).
   */
  private presenceQueued(host: Host, from: SessionRecord): void {
    if (!host.policy.onStanzaQueued) return;
    const account = from.session.account;
    for (const other of this.ctx.sessions.recordsOf(account)) {
      if (other === from || other.state !== "hibernated" || other.presence === null) continue;
      const input = { ...this.timerPushes.input(host, other, []), queued: [{ name: "presence" as const }] };
      const decision = host.policy.onStanzaQueued(input);
      if (!decision) continue;
      const entry = this.ctx.recorder.presenceDecision(host, account, {
        resource: from.session.resource,
        sessions: input.sessions,
        registrations: input.registrations,
        decision: { rule: decision.rule, reason: decision.reason, push: decision.pushes.map((p) => p.key), summary: decision.pushes[0]?.summary ?? {} },
      });
      for (const push of decision.pushes) this.publisher.publishAll(host, account, [{ key: push.key, delayMs: decision.delayMs ?? 0 }], push.summary, entry.seq);
    }
  }

  hibernated(host: Host, record: SessionRecord, info: { unacked: readonly UnackedStanza[]; resumptionTimeoutMs: number; window?: HibernationWindowControl }): void {
    const { session } = record;
    const account = session.account;
    const input = this.timerPushes.input(host, record, info.unacked);
    const unacked = info.unacked.length;
    const decision = unacked === 0 ? null : (host.policy.onHibernation?.(input) ?? null);
    // Issue 13: Prosody and ejabberd keep a push-enabled session longer (timer-pushes.ts).
    const window = this.timerPushes.startWindow(host, record, input, info);
    const queued = unacked > 0 ? ` (${plural(unacked, "stanza")} already unacknowledged)` : "";
    const entry = this.ctx.recorder.sessionState(host, account, "session-hibernated", {
      resource: session.resource,
      sessionId: session.id,
      sessions: input.sessions,
      unacked,
      resumptionTimeoutMs: window.timeoutMs,
      ...(decision ? { decision } : {}),
      why:
        `${session.resource}'s socket went away without </close> while XEP-0198 resumption was on, so the session is kept ` +
        `for ${durationText(window.timeoutMs)} (${presenceText(snapshotOf(record))}) and stanzas for it are queued${queued}` +
        (window.extended ? `: ${window.why}. ` : ". ") +
        HIBERNATION_EFFECT[host.policy.name] +
        (decision ? `. Now: ${decision.reason}` : ""),
    });
    for (const push of decision?.pushes ?? []) this.publisher.publishAll(host, account, [{ key: push.key, delayMs: 0 }], push.summary, entry.seq);
  }

  /** Issue 13: an `<r/>` of a connected session went unanswered too long (Prosody's smacks-ack-delayed). */
  ackOverdue(host: Host, record: SessionRecord, info: { unacked: readonly UnackedStanza[]; waitedMs: number }): void {
    this.timerPushes.ackOverdue(host, record, info);
  }

  /** The session ended for good: its hibernation timers end with it. */
  sessionGone(record: SessionRecord, announcedUnavailable = false): void {
    this.timerPushes.endWindow(record);
    // Its unavailable presence went to the account's other available sessions, hibernated ones too.
    const host = announcedUnavailable ? this.ctx.hosts.get(record.session.domain) : undefined;
    if (host) this.presenceQueued(host, record);
    // A registration no longer stored is held only by live sessions (Prosody's push_identifier).
    this.ctx.accounts.update(record.session.account, (state) => sessionEnded(state, record.session.id));
  }

  resumed(host: Host, record: SessionRecord, info: { redelivered: number; hibernatedMs: number }): void {
    const { session } = record;
    this.timerPushes.endWindow(record);
    const cancelled = this.publisher.cancelBatchesFor(session.id);
    const keys = cancelled.map((c) => c.key);
    const dropped = keys.length === 0
      ? ""
      : `; the batched push for ${regsPhrase(keys)} (decision #${cancelled.flatMap((c) => c.causeSeqs).join(", #")}) is dropped because the session is alive again, as Prosody stops its smacks timer on resumption`;
    this.ctx.recorder.sessionState(host, session.account, "session-resumed", {
      resource: session.resource,
      sessionId: session.id,
      sessions: this.ctx.sessions.snapshotsOf(session.account),
      unacked: info.redelivered,
      hibernatedMs: info.hibernatedMs,
      redelivered: info.redelivered,
      cancelledPushes: keys,
      why:
        `${session.resource} resumed its session on a new stream ${info.hibernatedMs > 0 ? `after ${seconds(info.hibernatedMs)} of hibernation` : "before the old socket was noticed gone"}; ` +
        `${plural(info.redelivered, "unacknowledged stanza")} re-sent${dropped}` +
        (host.policy.resumptionRenewsSessionKey
          ? "; ejabberd resumes it in a new c2s process with a new sid and carries its push id over (mod_push's c2s_copy_session): what it enables from now on is stored under the new sid, and moves its push id there"
          : ""),
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Pending publishes and batches are dropped with the timers (SessionManager.close). */
  close(): void {
    this.publisher.close();
  }

  get pendingCount(): number {
    return this.publisher.pendingCount;
  }

  /** Tigase's "messages retrieved" ping on an available presence (docs/push-semantics.md §B.3). */
  private presencePing(host: Host, record: SessionRecord): void {
    const account = record.session.account;
    const sessions = this.ctx.sessions.snapshotsOf(account);
    const registrations = this.ctx.accounts.registrations(account);
    const decision = host.policy.onAvailablePresence({ account, sessions, registrations, sessionId: record.session.id, options: host.options });
    if (!decision) return;
    const entry = this.ctx.recorder.presenceDecision(host, account, { resource: record.session.resource, sessions, registrations, decision });
    this.publisher.publishAll(host, account, decision.push.map((key) => ({ key, delayMs: 0 })), decision.summary, entry.seq);
  }
}

/** What hibernation means for pushes under each policy (docs/push-semantics.md §0.2, B.2 rows 11-12). */
const HIBERNATION_EFFECT: Record<PushPolicy["name"], string> = {
  spec: "spec counts a hibernated session as not receiving, so messages for the account are pushed as if nobody received them",
  tigase: "Tigase has no stream-management trigger: the session keeps its last presence, and pushes follow that presence as before",
  prosody: "Prosody pushes the registrations this session enabled for what gets queued, batched by mod_cloud_notify's 1 s timer",
  ejabberd: "ejabberd pushes the registrations this session enabled at once for each stanza queued while the session is pending",
};
