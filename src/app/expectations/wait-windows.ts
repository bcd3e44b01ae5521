export interface WaitWindowsOptions {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** A message's window has passed (`sinkConnectedAt`: the sink connection it was opened with). */
  onClose: (messageId: string, sinkConnectedAt: number | null) => void;
}

/** Each sent message's wait window, closed on one timer armed for the earliest deadline. */
export interface WaitWindows {
  open(messageId: string, deadline: number, sinkConnectedAt: number | null): void;
  /** No window closes afterwards. */
  dispose(): void;
}

export function createWaitWindows({ now, setTimer, clearTimer, onClose }: WaitWindowsOptions): WaitWindows {
  const deadlines = new Map<string, { at: number; sinkConnectedAt: number | null }>();
  let timer: unknown = null;
  let timerAt = Infinity;
  let disposed = false;

  function arm(): void {
    if (disposed) return;
    let next = Infinity;
    for (const d of deadlines.values()) if (d.at < next) next = d.at;
    if (next === Infinity) return;
    if (timer !== null && timerAt <= next) return;
    if (timer !== null) clearTimer(timer);
    timerAt = next;
    timer = setTimer(() => {
      timer = null;
      timerAt = Infinity;
      closeDue();
    }, Math.max(0, next - now()));
  }

  function closeDue(): void {
    const t = now();
    for (const [messageId, d] of deadlines) {
      if (d.at > t) continue;
      deadlines.delete(messageId);
      onClose(messageId, d.sinkConnectedAt);
    }
    arm();
  }

  return {
    open(messageId, deadline, sinkConnectedAt) {
      deadlines.set(messageId, { at: deadline, sinkConnectedAt });
      if (timer === null || deadline < timerAt) arm();
    },
    dispose() {
      if (timer !== null) clearTimer(timer);
      timer = null;
      disposed = true;
    },
  };
}
