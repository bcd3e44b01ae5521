/**
 * Reconnecting a lane whose connection dropped (the server stopped, the network went): on by
 * default with backoff, off with the Connection tab's switch. What one attempt does (resume or a
 * fresh session) is the lanes' business; this only times the attempts and says what comes next.
 * A user's own connect, disconnect or resume of the lane cancels what is pending.
 */
import type { LaneId } from "../model";

/** Waits before the 1st, 2nd… attempt; the last one repeats. */
export const RECONNECT_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 15_000, 30_000];

export interface ReconnectDeps {
  /** The Connection tab's switch. */
  enabled(): boolean;
  /** One attempt; resolves true once the lane is online again. */
  attempt(id: LaneId): Promise<boolean>;
  /** What happens next, said on the lane's card after a failed attempt ("; reconnecting in 4 s…"). */
  note(id: LaneId, next: string): void;
  delaysMs?: readonly number[];
}

export interface Reconnector {
  /** The lane's connection dropped: schedules the first attempt; returns what happens next, for the message. */
  dropped(id: LaneId): string;
  cancel(id: LaneId): void;
  /** An attempt is scheduled or running. */
  pending(id: LaneId): boolean;
  dispose(): void;
}

export const MANUAL_RECONNECT_HINT = "; press Connect all to reconnect (automatic reconnect is off in the Connection tab)";

export function reconnectingIn(delayMs: number): string {
  return `; reconnecting in ${Math.round(delayMs / 100) / 10} s…`;
}

export function createReconnector(deps: ReconnectDeps): Reconnector {
  const delays = deps.delaysMs ?? RECONNECT_DELAYS_MS;
  const scheduled = new Map<LaneId, ReturnType<typeof setTimeout>>();
  let disposed = false;

  function schedule(id: LaneId, attempt: number): number {
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 2_000;
    const timer = setTimeout(() => {
      void (async () => {
        if (!deps.enabled()) {
          // Switched off while waiting.
          scheduled.delete(id);
          deps.note(id, MANUAL_RECONNECT_HINT);
          return;
        }
        const online = await deps.attempt(id);
        // Cancelled (or rescheduled by a new drop) while the attempt ran: leave it to whoever did that.
        if (scheduled.get(id) !== timer || disposed) return;
        if (online) {
          scheduled.delete(id);
          return;
        }
        if (!deps.enabled()) {
          scheduled.delete(id);
          deps.note(id, MANUAL_RECONNECT_HINT);
          return;
        }
        deps.note(id, reconnectingIn(schedule(id, attempt + 1)));
      })();
    }, delay);
    scheduled.set(id, timer);
    return delay;
  }

  function cancel(id: LaneId): void {
    const timer = scheduled.get(id);
    if (timer !== undefined) clearTimeout(timer);
    scheduled.delete(id);
  }

  return {
    dropped(id) {
      cancel(id);
      if (disposed || !deps.enabled()) return MANUAL_RECONNECT_HINT;
      return reconnectingIn(schedule(id, 0));
    },
    cancel,
    pending: (id) => scheduled.has(id),
    dispose() {
      disposed = true;
      for (const id of [...scheduled.keys()]) cancel(id);
    },
  };
}
