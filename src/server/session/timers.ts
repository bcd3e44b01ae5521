/** Timers the session manager owns (delayed publishes, App Server timeouts), all cleared on close. */
export class TimerSet {
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `fn` after `ms`; a throwing callback is reported, never left to crash the process. */
  set(fn: () => void, ms: number): ReturnType<typeof setTimeout> | null {
    if (this.closed) return null;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: ReturnType<typeof setTimeout> | null): void {
    if (handle === null) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  clearAll(): void {
    this.closed = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
