/** Timing helpers for the harness: isomorphic (only setTimeout), no Node APIs. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Wakes waiters when something new was observed, so expectations can return as soon as their
 * condition holds instead of sleeping for the whole window.
 */
export class Signal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify() or after `ms`, whichever comes first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.waiters.add(wake);
    });
  }

  /** Polls `done` on every notify until it returns true or `ms` elapse; returns its last value. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (done()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return done();
      await this.next(left);
    }
  }
}
