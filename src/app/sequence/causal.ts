/**
 * Causes before effects. The timeline orders events by when the playground observed them, and a
 * message's effects can carry an earlier time than the message itself: the sender's event is
 * stamped once its send resolved, a resource may have received the message a millisecond sooner,
 * and the server's decision carries the server's clock. A sequence diagram that drew the delivery
 * or the decision above the message would read backwards, so such effects move to just after the
 * message that caused them (in their own order). Everything else keeps its place.
 */
import type { TimelineEvent } from "../model";
import { isMessageDecision } from "./rows";

/** The message event an effect belongs to, by event id (delivery, push) or message id (decision). */
function causeOf(e: TimelineEvent, sentByMessageId: ReadonlyMap<string, string>): string | undefined {
  switch (e.kind) {
    case "message-received":
      return e.causeEventId ?? (e.messageId ? sentByMessageId.get(e.messageId) : undefined);
    case "decision":
      return e.messageId && isMessageDecision(e) ? sentByMessageId.get(e.messageId) : undefined;
    case "push":
      return e.causeEventId;
    default:
      return undefined;
  }
}

/**
 * Indexes of `events[from..]` in drawing order: every effect observed before its message moved to
 * right after it. Effects of messages before `from` stay where they are (their message is drawn
 * already), so a tail can be ordered on its own.
 */
export function causalIndexes(events: readonly TimelineEvent[], from = 0): number[] {
  const position = new Map<string, number>();
  const sentByMessageId = new Map<string, string>();
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === "message-sent") {
      position.set(e.id, i);
      if (!sentByMessageId.has(e.messageId)) sentByMessageId.set(e.messageId, e.id);
    } else if (e.kind === "raw-send" && e.element === "message") position.set(e.id, i);
  }
  const deferred = new Map<string, number[]>();
  const out: number[] = [];
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    const cause = causeOf(e, sentByMessageId);
    const at = cause === undefined ? undefined : position.get(cause);
    if (cause !== undefined && at !== undefined && at > i) {
      const list = deferred.get(cause);
      if (list) list.push(i);
      else deferred.set(cause, [i]);
      continue;
    }
    out.push(i);
    const effects = deferred.get(e.id);
    if (effects) {
      out.push(...effects);
      deferred.delete(e.id);
    }
  }
  return out;
}

/** The events with every effect observed before its message moved to right after it; the input itself when none was. */
export function causalOrder(events: readonly TimelineEvent[]): readonly TimelineEvent[] {
  const order = causalIndexes(events);
  return order.every((index, i) => index === i) ? events : order.map((i) => events[i]!);
}
