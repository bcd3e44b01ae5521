/**
 * Presence, RFC 6121 subset without rosters: an account's resources see each other. Available and
 * unavailable presence from a session is echoed to it and broadcast to the account's other AVAILABLE sessions
 * (RFC 6121 §4.2.2, §4.5.2: a session that sent no presence yet gets no broadcasts; under Prosody's
 * policy its unavailable presence still reaches them, see prosody-presence.ts); a session's
 * initial presence is answered with the current presence of those others (§4.2.2's probe step,
 * done locally). The sender gets no echo of its own presence.
 *
 * Directed presence (a `to` other than the account's own bare JID) is delivered as-is when it
 * targets a local account (a full JID: that session; a bare JID: its available sessions) and
 * changes no state; presence to other domains is dropped (no server-to-server). Subscription,
 * probe and error presences are ignored: there are no rosters.
 */
import type { Element } from "@xmpp/xml";
import type { PresenceState } from "../../protocol/policy/types";
import { unavailableHandling } from "../../protocol/policy/prosody-presence";
import { isReceiving } from "../../protocol/routing";
import { stanzaError } from "../../protocol/stanzas/errors";
import { parsePresence } from "../../protocol/stanzas/presence";
import { NS } from "../../protocol/ns";
import { attrOf, cloneElement, el, findChild } from "../../protocol/stanzas/xml-util";
import { parseAddress, type Address } from "./address";
import { afterDelivery, replyError, sendTo, type SessionContext } from "./context";
import type { SessionEvents } from "./events";
import type { Host } from "./hosts";
import { snapshotOf, type SessionRecord } from "./session-registry";

export interface PresenceHooks {
  /** The session went from not receiving to receiving (offline messages are due). */
  becameReceiving(host: Host, record: SessionRecord): void;
}

export class PresenceService {
  constructor(
    private readonly ctx: SessionContext,
    private readonly hooks: PresenceHooks,
    private readonly events: SessionEvents,
  ) {}

  handle(sender: SessionRecord, stanza: Element): void {
    const parsed = parsePresence(stanza);
    const type = attrOf(stanza, "type");
    if ("error" in parsed) {
      if (type !== "error") replyError(sender, stanza, { ...stanzaError("bad-request"), text: parsed.error });
      return;
    }
    const toRaw = attrOf(stanza, "to");
    if (toRaw !== undefined) {
      const to = parseAddress(toRaw);
      if (!to) {
        if (type !== "error") replyError(sender, stanza, stanzaError("jid-malformed"));
        return;
      }
      if (to.full !== sender.session.account) {
        this.directed(sender, to, stanza);
        return;
      }
    }
    const host = this.ctx.hosts.require(sender.session.domain);
    if (parsed.kind === "available") {
      const presence: PresenceState = { show: parsed.show, priority: parsed.priority };
      if (parsed.status !== undefined) presence.status = parsed.status;
      this.available(host, sender, stanza, presence);
    } else if (parsed.kind === "unavailable") {
      this.unavailable(host, sender, stanza);
    } else {
      this.ctx.logger.debug(`ignored ${parsed.kind} presence from ${sender.session.jid}: no rosters on this server`);
    }
  }

  /** The session ended: the others see it go unavailable. */
  sessionGone(record: SessionRecord): void {
    if (!record.presence) return;
    record.presence = null;
    record.lastPresence = null;
    this.broadcast(record, el("presence", { type: "unavailable", from: record.session.jid }));
  }

  private available(host: Host, sender: SessionRecord, stanza: Element, presence: PresenceState): void {
    const before = snapshotOf(sender);
    const wasReceiving = isReceiving(before);
    const initial = sender.presence === null;

    sender.presence = presence;
    sender.presenceCount += 1;
    const stored = cloneElement(stanza);
    delete stored.attrs.to;
    stored.attrs.from = sender.session.jid;
    sender.lastPresence = stored;

    this.broadcast(sender, stored);
    // RFC 6121 §4.2.2/§4.4.2: the resource that sent it gets its own presence back, as Prosody and
    // ejabberd do; clients (and the playground) read it as the server's confirmation.
    sendTo(this.ctx.logger, sender, addressed(stored, sender.session.jid));
    if (initial) {
      for (const other of this.others(sender)) {
        if (other.lastPresence) sender.session.send(addressed(other.lastPresence, sender.session.jid));
      }
    }

    const after = snapshotOf(sender);
    this.record(host, sender, presence, stanza);
    const offlineDue = initial || host.policy.offlineOnInitialPresenceOnly !== true;
    if (!wasReceiving && isReceiving(after) && offlineDue) this.hooks.becameReceiving(host, sender);
    afterDelivery(this.ctx.logger, `presence push for ${sender.session.jid}`, () =>
      this.events.presenceChanged(host, sender, { available: true, before, after }),
    );
  }

  private unavailable(host: Host, sender: SessionRecord, stanza: Element): void {
    const handling = unavailableHandling(host.policy, sender.presence !== null);
    if (handling === "drop") return;
    const copy = cloneElement(stanza);
    delete copy.attrs.to;
    copy.attrs.from = sender.session.jid;
    if (handling === "relay") {
      // Prosody: the others see it (a hibernated one queues it); the sender had no presence to clear.
      this.broadcast(sender, copy);
      this.record(host, sender, null, stanza);
      const unchanged = snapshotOf(sender);
      afterDelivery(this.ctx.logger, `presence push for ${sender.session.jid}`, () =>
        this.events.presenceChanged(host, sender, { available: false, before: unchanged, after: unchanged }),
      );
      return;
    }
    const before = snapshotOf(sender);
    sender.presence = null;
    sender.lastPresence = null;
    this.broadcast(sender, copy);
    sendTo(this.ctx.logger, sender, addressed(copy, sender.session.jid));
    const after = snapshotOf(sender);
    this.record(host, sender, null, stanza);
    afterDelivery(this.ctx.logger, `presence push for ${sender.session.jid}`, () =>
      this.events.presenceChanged(host, sender, { available: false, before, after }),
    );
  }

  private directed(sender: SessionRecord, to: Address, stanza: Element): void {
    if (!to.local || !this.ctx.hosts.isLocal(to.domain)) {
      this.ctx.logger.debug(`dropped directed presence from ${sender.session.jid} to ${to.full}: not a local account`);
      return;
    }
    const targets = to.resource
      ? [this.ctx.sessions.byFullJid(to.bare, to.resource)].filter((r): r is SessionRecord => r !== null)
      : this.ctx.sessions.recordsOf(to.bare).filter((r) => r.presence !== null);
    for (const target of targets) target.session.send(cloneElement(stanza));
  }

  /** Every session's presence goes to the decision record (issue 12: the playground's outside lanes). */
  private record(host: Host, sender: SessionRecord, presence: PresenceState | null, stanza: Element): void {
    const caps = findChild(stanza, "c", NS.caps);
    const capsNode = caps ? attrOf(caps, "node") : undefined;
    this.ctx.recorder.sessionLifecycle(host, sender.session.account, "session-presence", {
      resource: sender.session.resource,
      sessionId: sender.session.id,
      presence,
      ...(capsNode ? { capsNode } : {}),
      why: presence ? `${sender.session.resource} sent presence ${presence.show ?? "available"} at priority ${presence.priority}${presence.status ? ` ("${presence.status}")` : ""}` : `${sender.session.resource} sent unavailable presence`,
    });
  }

  /** The account's other sessions that have sent available presence. */
  private others(record: SessionRecord): SessionRecord[] {
    return this.ctx.sessions.recordsOf(record.session.account).filter((r) => r !== record && r.presence !== null);
  }

  private broadcast(from: SessionRecord, stanza: Element): void {
    for (const other of this.others(from)) sendTo(this.ctx.logger, other, addressed(stanza, other.session.jid));
  }
}

function addressed(stanza: Element, to: string): Element {
  const copy = cloneElement(stanza);
  copy.attrs.to = to;
  return copy;
}
