/** Reconnect timing: backoff, what the message says next, cancelling, and the switch. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createReconnector, MANUAL_RECONNECT_HINT, reconnectingIn } from "./reconnect";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setUp(outcomes: boolean[], enabled = true) {
  const attempts: number[] = [];
  const notes: string[] = [];
  const state = { enabled };
  const reconnector = createReconnector({
    enabled: () => state.enabled,
    attempt: async () => {
      attempts.push(Date.now());
      return outcomes.shift() ?? false;
    },
    note: (_id, next) => notes.push(next),
    delaysMs: [2_000, 4_000, 8_000],
  });
  return { reconnector, attempts, notes, state };
}

describe("reconnector", () => {
  it("waits 2 s, then backs off (4 s, 8 s, 8 s…) until an attempt succeeds, saying when the next one comes", async () => {
    const { reconnector, attempts, notes } = setUp([false, false, false, true]);
    const start = Date.now();
    expect(reconnector.dropped("res-1")).toBe("; reconnecting in 2 s…");
    expect(reconnector.pending("res-1")).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000 + 4_000 + 8_000 + 8_000);
    expect(attempts.map((t) => t - start)).toEqual([2_000, 6_000, 14_000, 22_000]);
    expect(notes).toEqual(["; reconnecting in 4 s…", "; reconnecting in 8 s…", "; reconnecting in 8 s…"]);
    expect(reconnector.pending("res-1")).toBe(false);
  });

  it("with the switch off, only says how to reconnect", async () => {
    const { reconnector, attempts } = setUp([], false);
    expect(reconnector.dropped("res-1")).toBe(MANUAL_RECONNECT_HINT);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toEqual([]);
  });

  it("stops when the switch is turned off while it waits, and when cancelled or disposed", async () => {
    const off = setUp([false]);
    off.reconnector.dropped("res-1");
    await vi.advanceTimersByTimeAsync(2_000);
    off.state.enabled = false;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(off.attempts).toHaveLength(1);
    expect(off.notes).toEqual(["; reconnecting in 4 s…", MANUAL_RECONNECT_HINT]);
    expect(off.reconnector.pending("res-1")).toBe(false);

    const cancelled = setUp([]);
    cancelled.reconnector.dropped("res-1");
    cancelled.reconnector.dropped("sink");
    cancelled.reconnector.cancel("res-1");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(cancelled.attempts).toHaveLength(1);
    cancelled.reconnector.dispose();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(cancelled.attempts).toHaveLength(1);
    expect(cancelled.reconnector.pending("sink")).toBe(false);
  });

  it("rounds the delay it announces to a tenth of a second", () => {
    expect(reconnectingIn(1_500)).toBe("; reconnecting in 1.5 s…");
    expect(reconnectingIn(15_000)).toBe("; reconnecting in 15 s…");
  });
});
