/**
 * Which pushes the sink observed for one message. The Playground links every push to the message
 * that caused it (exactly through the reference server's log, otherwise by body and time); this
 * module only applies the wait window and sets aside what cannot be a message's push.
 */
import type { LinkMethod, PushEvent } from "../model";
import type { Observation, ObservedPush } from "./types";

/** A push the sink received, with its current link to a message. */
export interface PushFact extends ObservedPush {
  causeMessageId: string | null;
  /**
   * Tigase's "messages retrieved" notification (message-count 0, no sender, no body, docs/push-semantics.md B.3):
   * a presence causes it, never a message, so a heuristic link to a message is ignored.
   */
  retrievedPing: boolean;
}

export function isRetrievedPing(notification: PushEvent["notification"]): boolean {
  return (
    notification !== null &&
    notification.messageCount === 0 &&
    notification.lastMessageSender === undefined &&
    notification.lastMessageBody === undefined
  );
}

/** The push event's facts for matching (`to` comes from the publish iq: the registration's jid). */
export function pushFact(event: Pick<PushEvent, "id" | "iqId" | "at" | "node" | "notification" | "causeMessageId" | "linkMethod">, to: string): PushFact {
  return {
    eventId: event.id,
    iqId: event.iqId,
    key: { jid: to, node: event.node ?? "" },
    at: event.at,
    linkMethod: event.linkMethod ?? null,
    causeMessageId: event.causeMessageId ?? null,
    retrievedPing: isRetrievedPing(event.notification),
  };
}

/** Whether a push counts as this message's: linked to it, and not a presence-caused ping linked by guesswork. */
function belongsTo(push: PushFact, messageId: string): boolean {
  if (push.causeMessageId !== messageId) return false;
  return !(push.retrievedPing && push.linkMethod !== ("server log" satisfies LinkMethod));
}

export interface ObserveArgs {
  messageId: string;
  sentAt: number;
  windowMs: number;
  /** When the window closed (null: still open). */
  closedAt: number | null;
  unobservable: string | null;
}

/** Pushes linked to the message, split into those within the window and those after it, in arrival order. */
export function observe(args: ObserveArgs, pushes: Iterable<PushFact>): Observation {
  const deadline = args.sentAt + args.windowMs;
  const mine = [...pushes].filter((p) => belongsTo(p, args.messageId)).sort((a, b) => a.at - b.at);
  const strip = (p: PushFact): ObservedPush => ({ eventId: p.eventId, iqId: p.iqId, key: p.key, at: p.at, linkMethod: p.linkMethod });
  return {
    closedAt: args.closedAt,
    pushes: mine.filter((p) => p.at <= deadline).map(strip),
    late: mine.filter((p) => p.at > deadline).map(strip),
    unobservable: args.unobservable,
  };
}
