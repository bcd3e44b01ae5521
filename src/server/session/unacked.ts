/**
 * The stanzas a session's client never acknowledged (XEP-0198), once the session is gone for good:
 * its hibernation expired, it closed cleanly with some still unacked (xmpp.js 0.14 miscounts, so
 * this happens on every clean stop), its socket dropped without resumption, or a new login took
 * its resource. XEP-0198 §4 leaves it to the server to treat them as undelivered; we follow RFC 6121
 * for a resource that no longer exists:
 *
 * - A `chat` or `normal` message is routed again as if sent to the account's bare JID (§8.5.3.2.1).
 *   With nobody left to receive it, it is stored offline with a XEP-0203 `<delay>` stamped when it was
 *   first sent, and reaches the next session that sends presence. A message addressed to the gone
 *   full JID goes to the account's other receiving resources; one addressed to the bare JID does
 *   not, because this server gave those resources their own copy when it first routed it.
 * - An iq request is answered with `service-unavailable` on the gone session's behalf (RFC 6120
 *   §10.5.3.2 for a full JID that is not available). A push publish to a gone App Server session thus
 *   settles as an error, as it does on a real server.
 * - Presence, iq results and errors, and error, headline and groupchat messages are dropped.
 *
 * No new push decision is made: each message had its decision when it first arrived (Prosody's
 * offline hook can push again for a message that no push covered yet; that is not modelled).
 */
import type { Element } from "@xmpp/xml";
import type { UnackedOutcome } from "../../protocol/push-log";
import { routeMessage } from "../../protocol/routing";
import { buildErrorReply, stanzaError } from "../../protocol/stanzas/errors";
import { addDelay, messageSnapshot, messageType } from "../../protocol/stanzas/message";
import { attrOf, cloneElement, localName } from "../../protocol/stanzas/xml-util";
import type { ClientSession, UnackedStanza } from "../types";
import { parseAddress } from "./address";
import { sendTo, type SessionContext } from "./context";
import type { SessionEvents } from "./events";
import type { IqRouter } from "./iq-router";
import type { SessionRecord } from "./session-registry";

export function noUnacked(): UnackedOutcome {
  return { storedOffline: 0, rerouted: 0, bounced: 0, dropped: 0 };
}

export class UnackedRouter {
  constructor(
    private readonly ctx: SessionContext,
    private readonly iqs: IqRouter,
    private readonly events: SessionEvents,
  ) {}

  /** Call after the session left the registry, so it is no longer a target. */
  reroute(gone: ClientSession, unacked: readonly UnackedStanza[]): UnackedOutcome {
    const outcome = noUnacked();
    for (const item of unacked) {
      try {
        this.one(gone, item, outcome);
      } catch (err) {
        outcome.dropped++;
        this.ctx.logger.error(`re-routing an unacknowledged <${item.stanza.name}> of ${gone.jid} failed`, { error: err });
      }
    }
    if (unacked.length > 0) {
      this.ctx.logger.debug(`unacknowledged stanzas of ${gone.jid} (${gone.id}) re-routed`, { ...outcome });
    }
    return outcome;
  }

  private one(gone: ClientSession, { stanza, at }: UnackedStanza, outcome: UnackedOutcome): void {
    const name = localName(stanza);
    const type = attrOf(stanza, "type");
    if (name === "iq" && (type === "get" || type === "set") && attrOf(stanza, "from") !== gone.jid) {
      this.bounce(gone, stanza);
      outcome.bounced++;
      return;
    }
    const kind = name === "message" ? messageType(stanza) : null;
    if (kind !== "chat" && kind !== "normal") {
      outcome.dropped++;
      return;
    }
    const host = this.ctx.hosts.get(gone.domain);
    if (!host) {
      outcome.dropped++;
      return;
    }
    const account = gone.account;
    const toGoneResource = parseAddress(attrOf(stanza, "to") ?? account)?.resource !== "";
    const message = { ...messageSnapshot(stanza, { ownDomain: host.domain }), toResource: null };
    const delivery = routeMessage(this.ctx.sessions.snapshotsOf(account), message, host.policy.bareJidDelivery);
    if (delivery.storedOffline) {
      // A message that came from offline storage already carries our <delay>; one is enough.
      const stored = message.delayedByOwnDomain ? cloneElement(stanza) : addDelay(stanza, { from: host.domain, stamp: at });
      const dropped = this.ctx.offline.store(account, stored);
      if (dropped > 0) this.ctx.logger.warn(`offline store of ${account} is full: dropped ${dropped} oldest message(s)`);
      this.events.storedOffline(host, account);
      outcome.storedOffline++;
      return;
    }
    if (!toGoneResource || delivery.deliveredTo.length === 0) {
      outcome.dropped++;
      return;
    }
    for (const resource of delivery.deliveredTo) {
      const record = this.ctx.sessions.byFullJid(account, resource);
      if (record) sendTo(this.ctx.logger, record, cloneElement(stanza));
    }
    outcome.rerouted++;
  }

  /** The error the requester would get from a server that no longer has the resource. */
  private bounce(gone: ClientSession, iq: Element): void {
    const reply = buildErrorReply(iq, { ...stanzaError("service-unavailable"), text: `${gone.jid} went away before answering` });
    reply.attrs.from = gone.jid;
    // Routed as if the gone session sent it, which is how the iq router finds the publish it answers.
    const sender: SessionRecord = { session: gone, presence: null, presenceCount: 0, lastPresence: null, state: "connected", resumptions: 0 };
    this.iqs.handle(sender, reply);
  }
}
