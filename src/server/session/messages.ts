/**
 * Message routing (RFC 6121 §8.5, computed by `routeMessage`), offline storage, and the push
 * decision every message to a local account gets.
 *
 * Any local bare JID is a deliverable account: with development registration an account may come
 * into existence later, and this layer has no account store, so a message to a local account with
 * no receiving session is stored offline (capped). A message to a domain this server does not host
 * gets `remote-server-not-found` (no server-to-server); a message to a local domain itself gets
 * `service-unavailable`. Errors are never answered with errors (RFC 6120 §8.3.1).
 */
import type { Element } from "@xmpp/xml";
import type { DecisionInput, Delivery, MessageSnapshot, SessionSnapshot } from "../../protocol/policy/types";
import { isOnline, routeMessage } from "../../protocol/routing";
import { stanzaError } from "../../protocol/stanzas/errors";
import { addDelay, messageSnapshot, messageType } from "../../protocol/stanzas/message";
import { parseRemoteDisable } from "../../protocol/stanzas/push";
import { attrOf, cloneElement } from "../../protocol/stanzas/xml-util";
import { parseAddress, type Address } from "./address";
import { afterDelivery, replyError, sendTo, type SmContext } from "./context";
import type { Host } from "./hosts";
import type { PushService } from "./push-service";
import type { SessionRecord } from "./session-registry";

export class MessageRouter {
  constructor(
    private readonly ctx: SmContext,
    private readonly push: PushService,
  ) {}

  handle(sender: SessionRecord, stanza: Element): void {
    const isError = messageType(stanza) === "error";
    const toRaw = attrOf(stanza, "to");
    // RFC 6120 §10.3.1: no `to` means the sender's own bare JID.
    const to = toRaw === undefined ? parseAddress(sender.session.account) : parseAddress(toRaw);
    if (!to) {
      if (!isError) replyError(sender, stanza, stanzaError("jid-malformed"));
      return;
    }
    const host = this.ctx.hosts.get(to.domain);
    if (!host) {
      if (!isError) replyError(sender, stanza, { ...stanzaError("remote-server-not-found"), text: `${to.domain} is not served here` });
      return;
    }
    if (!to.local) {
      if (!isError) replyError(sender, stanza, stanzaError("service-unavailable"));
      return;
    }
    this.toAccount(sender, host, to, stanza);
  }

  /** Delivers the account's offline messages (already carrying their `<delay>`) to this session. */
  deliverOffline(record: SessionRecord): void {
    const stored = this.ctx.offline.take(record.session.account);
    for (const message of stored) record.session.send(message);
    if (stored.length > 0) {
      this.ctx.logger.debug(`delivered ${stored.length} offline message(s) to ${record.session.jid}`);
    }
  }

  private toAccount(sender: SessionRecord, host: Host, to: Address, stanza: Element): void {
    const account = to.bare;
    if (!to.resource) {
      const remoteDisable = parseRemoteDisable(stanza);
      if (remoteDisable && this.push.remoteDisable(host, account, remoteDisable)) return;
    }

    const message = messageSnapshot(stanza, { ownDomain: host.domain });
    const sessions = this.ctx.sessions.snapshotsOf(account);
    const delivery = routeMessage(sessions, message);
    if (delivery.storedOffline) {
      const dropped = this.ctx.offline.store(account, addDelay(stanza, { from: host.domain, stamp: new Date() }));
      if (dropped > 0) this.ctx.logger.warn(`offline store of ${account} is full: dropped ${dropped} oldest message(s)`);
    }
    for (const resource of delivery.deliveredTo) {
      const record = this.ctx.sessions.byFullJid(account, resource);
      if (record) sendTo(this.ctx.logger, record, cloneElement(stanza));
    }
    if (delivery.bounce && message.type !== "error") replyError(sender, stanza, delivery.bounce);

    afterDelivery(this.ctx.logger, `push decision for a message to ${account}`, () => this.decide(sender, host, to, stanza, message, sessions, delivery));
  }

  private decide(
    sender: SessionRecord,
    host: Host,
    to: Address,
    stanza: Element,
    message: MessageSnapshot,
    sessions: SessionSnapshot[],
    delivery: Delivery,
  ): void {
    const account = to.bare;
    // "Since the account last had an online session": while it has one, that is now.
    if (sessions.some((s) => isOnline(s, host.options))) this.ctx.pushedSinceOnline.delete(account);
    const input: DecisionInput = {
      account,
      sessions,
      registrations: this.ctx.registrations.list(account),
      message,
      delivery,
      options: host.options,
      pushedSinceOnline: this.ctx.pushedSinceOnline.get(account) ?? 0,
      offlineCount: this.ctx.offline.count(account),
    };
    const decision = host.policy.decide(input);
    const entry = this.ctx.recorder.messageDecision(host, account, {
      messageId: attrOf(stanza, "id") ?? null,
      from: attrOf(stanza, "from") ?? sender.session.jid,
      to: to.full,
      sessions: input.sessions,
      registrations: input.registrations,
      delivery,
      decision,
    });
    const pushes = decision.verdicts
      .filter((v) => v.push)
      .map((v) => ({ key: v.key, delayMs: v.delayMs ?? decision.delayMs }));
    if (pushes.length === 0) return;
    this.ctx.pushedSinceOnline.set(account, input.pushedSinceOnline + 1);
    this.push.publishAll(host, account, pushes, decision.summary, entry.seq);
  }
}
