/**
 * RFC 6121 §8.5 delivery of a message to a local account, and the session vocabulary of
 * docs/push-semantics.md §0.1 (receiving, away, online) that the push policies share.
 */
import type { BareJidDelivery, Delivery, MessageSnapshot, PolicyOptions, SessionSnapshot } from "./policy/types";

/**
 * Whether a session receives messages now (docs/push-semantics.md §0.1): connected, with available presence at
 * priority >= 0 (RFC 6121 §8.5.2.1.1). A hibernated (XEP-0198) session is not receiving: its
 * client sees nothing until it resumes. The server still routes to it (`isRoutable`).
 */
export function isReceiving(session: SessionSnapshot): boolean {
  return session.state === "connected" && isRoutable(session);
}

/**
 * Whether the server routes bare-JID messages to the session: available presence at priority >= 0,
 * connected or hibernated. A hibernated session is still bound and keeps its presence, so the
 * server queues for it (XEP-0198 §5; Prosody, ejabberd and Tigase all do) until it resumes (and
 * gets the queue) or expires (and the queued messages go to offline storage).
 */
export function isRoutable(session: SessionSnapshot): boolean {
  return session.presence !== null && session.presence.priority >= 0;
}

/** A receiving session whose `<show>` is in the configured away set (away and xa by default). */
export function isAway(session: SessionSnapshot, options: Pick<PolicyOptions, "awayShows">): boolean {
  const show = session.presence?.show ?? null;
  return isReceiving(session) && show !== null && options.awayShows.includes(show);
}

/** A receiving session that is not away: no `<show>`, `chat`, or `dnd` unless dnd is configured as away. */
export function isOnline(session: SessionSnapshot, options: Pick<PolicyOptions, "awayShows">): boolean {
  return isReceiving(session) && !isAway(session, options);
}

/** Neither delivered nor stored (a fresh object: callers may keep and extend it). */
function dropped(): Delivery {
  return { deliveredTo: [], storedOffline: false };
}

/** Returned to the sender as `service-unavailable` (RFC 6121 §8.5.2 and §8.5.3 for groupchat). */
function bounced(): Delivery {
  return { deliveredTo: [], storedOffline: false, bounce: { type: "cancel", condition: "service-unavailable" } };
}

/**
 * Where the server puts `message`. `bareJid` is the policy's choice for a chat or normal message to
 * the bare JID (`PushPolicy.bareJidDelivery`): RFC 6121 §8.5.2.1.1 lets a server deliver it to
 * every routable resource or only to those of the highest priority.
 */
export function routeMessage(sessions: readonly SessionSnapshot[], message: MessageSnapshot, bareJid: BareJidDelivery): Delivery {
  if (message.toResource !== null) {
    const target = sessions.find((s) => s.resource === message.toResource);
    // A bound resource gets what is addressed to it, whatever its presence (§8.5.3.1); a hibernated
    // one has it queued.
    if (target) return { deliveredTo: [target.resource], storedOffline: false };
    // §8.5.3.2.1: a chat message to an unknown resource is handled as if sent to the bare JID.
    // The RFC lets a server drop `normal` instead; like Prosody, we route it to the bare JID too.
    // A groupchat MUST be bounced (Prosody 0.12 does; found by the differential run).
    if (message.type === "groupchat") return bounced();
    if (message.type !== "chat" && message.type !== "normal") return dropped();
  }
  return routeToBareJid(sessions, message, bareJid);
}

/**
 * The routable resources of the highest priority. Prosody's `select_top_resources`
 * (util/presence.lua) starts from priority 0 and keeps every session with a presence at the
 * greatest priority; ejabberd's `ejabberd_sm:route_message` delivers a chat or normal message to
 * each resource `when P == MaxPrio` once `MaxPrio >= 0`. Both keep a hibernated session there.
 */
function topPriority(routable: readonly SessionSnapshot[]): SessionSnapshot[] {
  const top = Math.max(...routable.map((s) => s.presence?.priority ?? 0));
  return routable.filter((s) => s.presence?.priority === top);
}

function routeToBareJid(sessions: readonly SessionSnapshot[], message: MessageSnapshot, bareJid: BareJidDelivery): Delivery {
  const routable = sessions.filter(isRoutable);
  const receiving = routable.map((s) => s.resource);
  switch (message.type) {
    case "chat":
    case "normal": {
      const recipients = bareJid === "top-priority" ? topPriority(routable).map((s) => s.resource) : receiving;
      return recipients.length > 0 ? { deliveredTo: recipients, storedOffline: false } : { deliveredTo: [], storedOffline: true };
    }
    case "headline":
      // Delivered to every routable resource under every policy (Prosody's process_to_bare and
      // ejabberd's `(P >= 0) and (Type == headline)` both do); never stored (§8.5.2.1.1, §8.5.2.2.1).
      return { deliveredTo: receiving, storedOffline: false };
    case "groupchat":
      // §8.5.2.1.1: MUST NOT deliver to the available resources, MUST bounce; with nobody
      // available (§8.5.2.2.1) it MUST be bounced too (Prosody 0.12 does; found by the differential run).
      return bounced();
    case "error":
      return dropped();
  }
}
