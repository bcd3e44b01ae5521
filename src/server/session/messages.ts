/**
 * Message routing (RFC 6121 §8.5, computed by `routeMessage`) and offline storage. Every message
 * to a local account is then announced to the push module (events.ts), which decides its push.
 *
 * Any local bare JID is a deliverable account: with development registration an account may come
 * into existence later, and this layer has no account store, so a message to a local account with
 * no receiving session is stored offline (capped). A message to a domain this server does not host
 * gets `remote-server-not-found` (no server-to-server); a message to a local domain itself gets
 * `service-unavailable`. Errors are never answered with errors (RFC 6120 §8.3.1).
 */
import type { Element } from "@xmpp/xml";
import { routeMessage } from "../../protocol/routing";
import { stanzaError } from "../../protocol/stanzas/errors";
import { addDelay, messageSnapshot, messageType } from "../../protocol/stanzas/message";
import { attrOf, cloneElement } from "../../protocol/stanzas/xml-util";
import { parseAddress, type Address } from "./address";
import { afterDelivery, replyError, sendTo, type SessionContext } from "./context";
import type { Host } from "./hosts";
import type { SessionEvents } from "./events";
import type { SessionRecord } from "./session-registry";

export class MessageRouter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly events: SessionEvents,
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
      this.events.offlineDelivered(this.ctx.hosts.require(record.session.domain), record);
      this.ctx.logger.debug(`delivered ${stored.length} offline message(s) to ${record.session.jid}`);
    }
  }

  private toAccount(sender: SessionRecord, host: Host, to: Address, stanza: Element): void {
    const account = to.bare;
    if (!to.resource && this.events.messageToAccount(host, account, stanza)) return;

    const message = messageSnapshot(stanza, { ownDomain: host.domain });
    const sessions = this.ctx.sessions.snapshotsOf(account);
    const routed = routeMessage(sessions, message, host.policy.bareJidDelivery);
    const refused = routed.storedOffline ? (host.policy.refuseOffline?.(message) ?? null) : null;
    const delivery = refused ? { deliveredTo: [], storedOffline: false, bounce: refused } : routed;
    if (delivery.storedOffline) {
      const dropped = this.ctx.offline.store(account, addDelay(stanza, { from: host.domain, stamp: new Date() }));
      if (dropped > 0) this.ctx.logger.warn(`offline store of ${account} is full: dropped ${dropped} oldest message(s)`);
      this.events.storedOffline(host, account);
    }
    for (const resource of delivery.deliveredTo) {
      const record = this.ctx.sessions.byFullJid(account, resource);
      if (record) sendTo(this.ctx.logger, record, cloneElement(stanza));
    }
    if (delivery.bounce && message.type !== "error") replyError(sender, stanza, delivery.bounce);

    afterDelivery(this.ctx.logger, `push decision for a message to ${account}`, () =>
      this.events.messageRouted({ host, account, sender, to: to.full, stanza, message, sessions, delivery }),
    );
  }
}
