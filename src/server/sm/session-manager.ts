/**
 * The session manager: everything after resource binding, for every virtual host of the server
 * (stanzas between local hosts are routed in-process, e.g. alice@tigase.localhost's pushes reach
 * pushsvc@localhost/sink). It wires the parts together and makes each stanza fail alone: whatever
 * a handler throws is logged and answered with `internal-server-error`, never crashing the
 * process or touching other sessions.
 */
import type { Element } from "@xmpp/xml";
import type { PushPolicy, RegistrationSnapshot, SessionSnapshot } from "../../protocol/policy/types";
import { stanzaError } from "../../protocol/stanzas/errors";
import { attrOf, localName } from "../../protocol/stanzas/xml-util";
import type { ClientSession, Logger, StanzaSink, VirtualHostConfig } from "../types";
import { replyError, type SmContext } from "./context";
import { DecisionRecorder } from "./decision-recorder";
import { HostTable, type Host } from "./hosts";
import { IqRouter } from "./iq-router";
import { MessageRouter } from "./messages";
import { DEFAULT_OFFLINE_CAP, OfflineStore } from "./offline-store";
import { PresenceService } from "./presence";
import type { PushLog } from "./push-log-store";
import { PushService } from "./push-service";
import { RegistrationStore } from "./registration-store";
import { SessionRegistry, type SessionRecord } from "./session-registry";
import { TimerSet } from "./timers";

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
  private readonly ctx: SmContext;
  private readonly presence: PresenceService;
  private readonly messages: MessageRouter;
  private readonly iqs: IqRouter;
  private readonly push: PushService;

  constructor(options: SessionManagerOptions) {
    const { logger, pushLog } = options;
    if (!(options.appServerTimeoutMs > 0)) throw new RangeError("appServerTimeoutMs must be a positive number of milliseconds");
    this.ctx = {
      hosts: new HostTable(options.hosts),
      sessions: new SessionRegistry(),
      offline: new OfflineStore(options.offlineCap ?? DEFAULT_OFFLINE_CAP),
      registrations: new RegistrationStore(),
      pushLog,
      recorder: new DecisionRecorder(pushLog, logger),
      logger,
      timers: new TimerSet((err) => logger.error("session manager timer failed", { error: err })),
      appServerTimeoutMs: options.appServerTimeoutMs,
      pushedSinceOnline: new Map(),
    };
    this.push = new PushService(this.ctx);
    this.messages = new MessageRouter(this.ctx, this.push);
    this.iqs = new IqRouter(this.ctx, this.push);
    this.presence = new PresenceService(this.ctx, {
      becameReceiving: (_host, record) => this.messages.deliverOffline(record),
      availablePresence: (host, record) => this.push.onAvailablePresence(host, record),
    });
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
        this.ctx.logger.info(`${session.jid}: new session ${session.id} replaces ${existing.session.id}`);
        try {
          existing.session.closeWithStreamError("conflict", "Replaced by new connection");
        } catch (err) {
          this.ctx.logger.warn(`closing the replaced session ${existing.session.id} failed`, { error: err });
        }
      }
      this.ctx.sessions.bind(session);
      this.ctx.logger.debug(`session ${session.id} bound as ${session.jid}`);
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

  sessionClosed(session: ClientSession, reason: "closed" | "dropped" | "error" | "replaced"): void {
    this.guard(`closing ${session.jid}`, () => {
      const record = this.ctx.sessions.remove(session);
      if (!record) return;
      this.presence.sessionGone(record);
      this.ctx.logger.debug(`session ${session.id} (${session.jid}) closed: ${reason}`);
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
    return this.ctx.registrations.list(account.toLowerCase());
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

  /** spec's message-count basis for the account. */
  pushedSinceOnline(account: string): number {
    return this.ctx.pushedSinceOnline.get(account.toLowerCase()) ?? 0;
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
