/**
 * Offline message storage (RFC 6121 §8.5.2.2.1), in memory for the life of the server. Messages
 * are stored already stamped with their XEP-0203 `<delay>`; the oldest are dropped beyond the cap.
 */
import type { Element } from "@xmpp/xml";

export const DEFAULT_OFFLINE_CAP = 1000;

export class OfflineStore {
  private readonly queues = new Map<string, Element[]>();

  constructor(readonly cap = DEFAULT_OFFLINE_CAP) {}

  /** Stores the message; returns how many older messages were dropped to respect the cap. */
  store(account: string, message: Element): number {
    let queue = this.queues.get(account);
    if (!queue) {
      queue = [];
      this.queues.set(account, queue);
    }
    queue.push(message);
    const overflow = Math.max(0, queue.length - this.cap);
    if (overflow > 0) queue.splice(0, overflow);
    return overflow;
  }

  count(account: string): number {
    return this.queues.get(account)?.length ?? 0;
  }

  /** Removes and returns every stored message of the account, oldest first. */
  take(account: string): Element[] {
    const queue = this.queues.get(account) ?? [];
    this.queues.delete(account);
    return queue;
  }
}
