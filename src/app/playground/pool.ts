/**
 * Run async jobs with at most `limit` in flight, starting each next one in a new task so that the
 * page can paint between handshakes. Connecting 100 xmpp.js clients at once queues 100 SASL
 * exchanges and their state updates into the same few frames; a small pool keeps each task short.
 */
export async function runPooled<T>(items: readonly T[], limit: number, job: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const yieldTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  async function worker(): Promise<void> {
    while (next < items.length) {
      const item = items[next++]!;
      await job(item);
      await yieldTask();
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker()));
}
