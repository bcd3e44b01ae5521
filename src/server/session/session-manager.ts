/**
 * The session manager: everything after resource binding, for every virtual host of the server
 * (stanzas between local hosts are routed in-process, e.g. alice@tigase.localhost's pushes reach
 * pushsvc@localhost/sink). It wires the parts together and makes each stanza fail alone: whatever
 * a handler throws is logged and answered with `internal-server-error`, never crashing the
 * process or touching other sessions. It decides no push: it tells the push module (push/) what
 * happened (events.ts), as Prosody's session manager fires the events mod_cloud_notify hooks.
 *
 * XEP-0198 (issue 5): a hibernated session stays in the registry with state `hibernated` and its
 * presence (nobody sees it go unavailable: for RFC 6121 the resource is still there), so the push
 * policies see it; stanzas routed to it are queued by the stream layer. When it expires it is gone
 * like any closed session, and what its client never acknowledged is re-routed (unacked.ts).
 * Each step is written to the decision record (`session-hibernated` and `-resumed` by the push
 * module, with what they mean for pushes; `-expired` and `-closed` here), so the playground can
 * show why a push did or did not follow.
 */
import type { Element } from "@xmpp/xml";
import type { AccountState } from "../../protocol/account";
import { REFERENCE_STREAM_TIMERS, streamTimersOf } from "../../protocol/policy/timers";
import type { PushPolicy, RegistrationSnapshot, SessionSnapshot, StreamTimers } from "../../protocol/policy/types";
import type { UnackedOutcome } from "../../protocol/push-log";
import { stanzaError } from "../../protocol/stanzas/errors";
import { attrOf, localName } from "../../protocol/stanzas/xml-util";
import type { ClientSession, HibernationWindowControl, Logger, SessionCloseReason, StanzaSink, UnackedStanza, VirtualHostConfig } from "../types";
import { AccountBook } from "./account-book";
import { replyError, type SessionContext } from "./context";
import { DecisionRecorder } from "./decision-recorder";
import { HostTable, type Host } from "./hosts";
import { IqRouter } from "./iq-router";
import { MessageRouter } from "./messages";
import { DEFAULT_OFFLINE_CAP, OfflineStore } from "./offline-store";
import { PresenceService } from "./presence";
import type { PushLog } from "./push-log-store";
import { PushModule } from "./push/push-module";
import { plural, seconds } from "./sentences";
import { SessionRegistry, type SessionRecord } from "./session-registry";
import { TimerSet } from "./timers";
import { noUnacked, UnackedRouter } from "./unacked";

export interface SessionManagerOptions {
  hosts: VirtualHostConfig[];
  logger: Logger;
  /** How long a publish waits for the App Server's answer before it counts as a timeout. */
  appServerTimeoutMs: number;
  pushLog: PushLog;
  /** Offline messages kept per account (oldest dropped first). Default 1000. */
  offlineCap?: number;
}

export class SessionManager implements StanzaSink {
  private readonly ctx: SessionContext;
  private readonly presence: PresenceService;
  private readonly messages: MessageRouter;
  private readonly iqs: IqRouter;
  private readonly push: PushModule;
  private readonly unacked: UnackedRouter;

  constructor(options: SessionManagerOptions) {
    const { logger, pushLog } = options;
    if (!(options.appServerTimeoutMs > 0)) throw new RangeError("appServerTimeoutMs must be a positive number of milliseconds");
    this.ctx = {
      hosts: new HostTable(options.hosts),
      sessions: new SessionRegistry(),
      offline: new OfflineStore(options.offlineCap ?? DEFAULT_OFFLINE_CAP),
      accounts: new AccountBook(),
      pushLog,
      recorder: new DecisionRecorder(pushLog, logger),
      logger,
      timers: new TimerSet((err) => logger.error("session manager timer failed", { error: err })),
      appServerTimeoutMs: options.appServerTimeoutMs,
    };
    this.push = new PushModule(this.ctx);
    this.messages = new MessageRouter(this.ctx, this.push);
    this.iqs = new IqRouter(this.ctx, this.push);
    this.unacked = new UnackedRouter(this.ctx, this.iqs, this.push);
    this.presence = new PresenceService(this.ctx, { becameReceiving: (_host, record) => this.messages.deliverOffline(record) }, this.push);
  }

  // -------------------------------------------------------------------------------------------
  // StanzaSink

  sessionBound(session: ClientSession): void {
    this.guard(`binding ${session.jid}`, () => {
      const host = this.ctx.hosts.get(session.domain);
      if (!host) {
        // The stream layer only authenticates local accounts; refuse rather than route blindly.
        this.ctx.logger.error(`session ${session.jid} bound on a domain this session manager does not serve`);
        session.closeWithStreamError("host-unknown", `${session.domain} is not served by this session manager`);
        return;
      }
      const existing = this.ctx.sessions.byFullJid(session.account, session.resource);
      if (existing && existing.session.id !== session.id) {
        // Tear the old one down here, so its later sessionClosed(…, "replaced") finds nothing to undo.
        this.ctx.sessions.remove(existing.session);
        this.presence.sessionGone(existing);
        this.push.sessionGone(existing);
        this.ctx.logger.info(`${session.jid}: new session ${session.id} replaces ${existing.session.id}`);
        this.ctx.recorder.sessionLifecycle(host, session.account, "session-ended", {
          resource: session.resource,
          sessionId: existing.session.id,
          reason: "replaced",
          why: `${session.resource}'s session ended: ${closeReasonText("replaced")}`,
        });
        try {
          existing.session.closeWithStreamError("conflict", "Replaced by new connection");
        } catch (err) {
          this.ctx.logger.warn(`closing the replaced session ${existing.session.id} failed`, { error: err });
        }
      }
      this.ctx.sessions.bind(session);
      this.ctx.logger.debug(`session ${session.id} bound as ${session.jid}`);
      this.ctx.recorder.sessionLifecycle(host, session.account, "session-bound", {
        resource: session.resource,
        sessionId: session.id,
        why: `${session.resource} bound a session (no presence yet, so it receives nothing sent to the bare JID)`,
      });
    });
  }

  stanza(session: ClientSession, stanza: Element): void {
    const record = this.ctx.sessions.current(session);
    if (!record) {
      this.ctx.logger.debug(`dropped <${stanza.name}> from ${session.jid} (${session.id}): the session is no longer bound`);
      return;
    }
    try {
      switch (localName(stanza)) {
        case "message":
          this.messages.handle(record, stanza);
          break;
        case "presence":
          this.presence.handle(record, stanza);
          break;
        case "iq":
          this.iqs.handle(record, stanza);
          break;
        default:
          this.ctx.logger.warn(`ignored non-stanza element <${stanza.name}> from ${session.jid}`);
      }
    } catch (err) {
      this.ctx.logger.error(`handling <${stanza.name}> from ${session.jid} failed`, { error: err, id: attrOf(stanza, "id") });
      this.replyInternalError(record, stanza);
    }
  }

  sessionClosed(session: ClientSession, reason: SessionCloseReason, unacked: readonly UnackedStanza[] = []): void {
    this.guard(`closing ${session.jid}`, () => {
      // A replaced session was already removed in sessionBound; its unacked stanzas still need a home.
      const record = this.ctx.sessions.remove(session);
      // Whether sessionGone below tells anyone: it had presence and others of the account have too.
      const announced = record?.presence != null && this.ctx.sessions.recordsOf(session.account).some((r) => r !== record && r.presence !== null);
      if (record) {
        this.presence.sessionGone(record);
        this.push.sessionGone(record, announced);
      }
      this.ctx.logger.debug(`session ${session.id} (${session.jid}) closed: ${reason}`);
      const outcome = unacked.length > 0 ? this.unacked.reroute(session, unacked) : noUnacked();
      const host = this.ctx.hosts.get(session.domain);
      if (host && record) {
        this.ctx.recorder.sessionLifecycle(host, session.account, "session-ended", {
          resource: session.resource,
          sessionId: session.id,
          reason,
          why: `${session.resource}'s session ended: ${closeReasonText(reason)}`,
        });
      }
      if (!host || (reason !== "expired" && unacked.length === 0)) return;
      const hibernatedMs = record?.hibernatedAt === undefined ? null : Date.now() - record.hibernatedAt;
      this.ctx.recorder.sessionState(host, session.account, reason === "expired" ? "session-expired" : "session-closed", {
        resource: session.resource,
        sessionId: session.id,
        sessions: this.ctx.sessions.snapshotsOf(session.account),
        unacked: unacked.length,
        unackedOutcome: outcome,
        why: reason === "expired"
          ? `${session.resource} was not resumed${hibernatedMs === null ? "" : ` within ${seconds(hibernatedMs)}`}, so the session is gone${announced ? " and the account's other resources see it go unavailable" : ""}; ${outcomeText(outcome, unacked.length)}`
          : `${session.resource}'s session ended (${closeReasonText(reason)}) with ${plural(unacked.length, "stanza")} its client never acknowledged: ${outcomeText(outcome, unacked.length)}` +
            (reason === "closed" ? ". A client that counts correctly acknowledges everything before </close>; xmpp.js 0.14 miscounts, so its last stanzas end up here" : ""),
      });
    });
  }

  sessionHibernated(session: ClientSession, info: { unacked: readonly UnackedStanza[]; resumptionTimeoutMs: number; window?: HibernationWindowControl }): void {
    this.guard(`hibernating ${session.jid}`, () => {
      const record = this.ctx.sessions.current(session);
      const host = this.ctx.hosts.get(session.domain);
      if (!record || !host) return;
      record.state = "hibernated";
      record.hibernatedAt = Date.now();
      this.push.hibernated(host, record, info);
    });
  }

  sessionResumed(session: ClientSession, info: { redelivered: number; hibernatedMs: number }): void {
    this.guard(`resuming ${session.jid}`, () => {
      const record = this.ctx.sessions.current(session);
      const host = this.ctx.hosts.get(session.domain);
      if (!record || !host) return;
      record.state = "connected";
      record.resumptions += 1;
      delete record.hibernatedAt;
      this.push.resumed(host, record, info);
    });
  }

  /** Issue 13: the host's XEP-0198 timers (its policy's server, with the host's overrides). */
  streamTimers(domain: string): StreamTimers {
    const host = this.ctx.hosts.get(domain);
    return host ? streamTimersOf(host.policy, host.options) : REFERENCE_STREAM_TIMERS;
  }

  sessionAckOverdue(session: ClientSession, info: { unacked: readonly UnackedStanza[]; waitedMs: number }): void {
    this.guard(`ack overdue for ${session.jid}`, () => {
      const record = this.ctx.sessions.current(session);
      const host = this.ctx.hosts.get(session.domain);
      if (record && host) this.push.ackOverdue(host, record, info);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Inspection (tests, the HTTP log endpoint, the CLI)

  /** Snapshots of the account's bound sessions, in bind order. */
  sessionsOf(account: string): SessionSnapshot[] {
    return this.ctx.sessions.snapshotsOf(account.toLowerCase());
  }

  /** The account's push registrations, least recently enabled first. */
  registrationsOf(account: string): RegistrationSnapshot[] {
    return this.ctx.accounts.registrations(account.toLowerCase());
  }

  /** The push policy of a virtual host; throws for a domain this server does not serve. */
  policyOf(domain: string): PushPolicy {
    return this.ctx.hosts.require(domain).policy;
  }

  /** Virtual hosts with their effective policy options. */
  hosts(): Host[] {
    return this.ctx.hosts.list();
  }

  offlineCount(account: string): number {
    return this.ctx.offline.count(account.toLowerCase());
  }

  /** The account's push state (src/protocol/account): registrations and counters. */
  accountState(account: string): AccountState {
    return this.ctx.accounts.get(account.toLowerCase());
  }

  /** spec's message-count basis for the account. */
  pushedSinceOnline(account: string): number {
    return this.ctx.accounts.get(account.toLowerCase()).pushedSinceOnline;
  }

  /** Publishes still waiting for the App Server's answer. */
  get pendingPublishes(): number {
    return this.push.pendingCount;
  }

  /** Stops every timer (delayed publishes, App Server timeouts); call when the server stops. */
  close(): void {
    this.ctx.timers.clearAll();
    this.push.close();
  }

  // -------------------------------------------------------------------------------------------

  private replyInternalError(record: SessionRecord, stanza: Element): void {
    const type = attrOf(stanza, "type");
    const name = localName(stanza);
    const answerable = name === "iq" ? type === "get" || type === "set" : type !== "error";
    if (!answerable || (name !== "iq" && name !== "message" && name !== "presence")) return;
    try {
      replyError(record, stanza, stanzaError("internal-server-error"));
    } catch (err) {
      this.ctx.logger.error(`could not send internal-server-error to ${record.session.jid}`, { error: err });
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.logger.error(`${what} failed`, { error: err });
    }
  }
}

function closeReasonText(reason: SessionCloseReason): string {
  switch (reason) {
    case "closed":
      return "a clean </close>";
    case "dropped":
      return "its socket dropped and resumption was off";
    case "error":
      return "a stream error";
    case "replaced":
      return "a new login took its resource";
    case "expired":
      return "hibernation expired";
  }
}

function outcomeText(o: UnackedOutcome, total: number): string {
  if (total === 0) return "no stanza was left unacknowledged";
  const parts = [
    o.storedOffline > 0 ? `${plural(o.storedOffline, "message")} stored offline (delivered with a <delay> to the next session)` : "",
    o.rerouted > 0 ? `${plural(o.rerouted, "message")} to its full JID re-routed to the other resources` : "",
    o.bounced > 0 ? `${plural(o.bounced, "iq request")} answered with service-unavailable` : "",
    o.dropped > 0 ? `${plural(o.dropped, "stanza")} dropped (presence, iq answers, or messages the other resources already got)` : "",
  ].filter(Boolean);
  return `of the ${plural(total, "unacknowledged stanza")}, ${parts.join(", ")}`;
}
