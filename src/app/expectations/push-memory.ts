import type { PushFact } from "./observe";

/** Pushes remembered for (re)linking; older ones are forgotten first. */
export const PUSH_MEMORY = 10_000;

/**
 * The pushes the sink received and which message each is linked to. Memory stays bounded: at most
 * `limit` pushes, and link sets only for messages that have some.
 */
export interface PushMemory {
  get(pushEventId: string): PushFact | undefined;
  /** Remembers a push (or its new link; unlink the old one first). */
  remember(fact: PushFact): void;
  unlink(messageId: string, pushEventId: string): void;
  /** The remembered pushes linked to a message. */
  linkedTo(messageId: string): PushFact[];
}

export function createPushMemory(limit = PUSH_MEMORY): PushMemory {
  const pushes = new Map<string, PushFact>();
  const pushesByMessage = new Map<string, Set<string>>();

  function unlink(messageId: string, pushEventId: string): void {
    const set = pushesByMessage.get(messageId);
    set?.delete(pushEventId);
    if (set?.size === 0) pushesByMessage.delete(messageId);
  }

  return {
    get: (pushEventId) => pushes.get(pushEventId),
    remember(fact) {
      pushes.set(fact.eventId, fact);
      if (pushes.size > limit) {
        const oldest = pushes.keys().next().value;
        if (oldest !== undefined) {
          const gone = pushes.get(oldest);
          pushes.delete(oldest);
          if (gone?.causeMessageId) unlink(gone.causeMessageId, oldest);
        }
      }
      if (fact.causeMessageId) {
        const set = pushesByMessage.get(fact.causeMessageId) ?? new Set<string>();
        set.add(fact.eventId);
        pushesByMessage.set(fact.causeMessageId, set);
      }
    },
    unlink,
    linkedTo(messageId) {
      const ids = pushesByMessage.get(messageId);
      return ids ? [...ids].map((id) => pushes.get(id)).filter((p): p is PushFact => p !== undefined) : [];
    },
  };
}
