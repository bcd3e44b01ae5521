/**
 * What the bench installs in the page before the app loads: long tasks from a PerformanceObserver
 * ('longtask': every task over 50 ms, with its start and duration), and helpers that time a UI
 * action from inside the page (no Playwright round trip in the figure).
 */
export interface LongTask {
  start: number;
  duration: number;
}

export interface BenchProbe {
  longTasks: LongTask[];
  /** When the last publish iq reached a WebSocket of the page (before xmpp.js read it). */
  lastPublishAt: number;
}

declare global {
  interface Window {
    __bench: BenchProbe;
  }
}

/** Runs in the page (serialised by Playwright's addInitScript): keep it self-contained. */
export function installProbes(): void {
  const probe: BenchProbe = { longTasks: [], lastPublishAt: 0 };
  window.__bench = probe;
  // Splits send → row into the server's part (until the publish frame arrives) and the page's.
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (this: WebSocket, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    if (type === "message" && listener) {
      add.call(this, "message", (e: Event) => {
        const data = (e as MessageEvent).data;
        if (typeof data === "string" && data.includes("<publish ")) probe.lastPublishAt = performance.now();
      });
    }
    if (listener) add.call(this, type, listener, options);
  } as typeof WebSocket.prototype.addEventListener;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
}

export interface TaskSummary {
  count: number;
  longest: number;
}

export function summariseTasks(tasks: readonly LongTask[], from: number, to: number): TaskSummary {
  const within = tasks.filter((t) => t.start + t.duration >= from && t.start <= to);
  return { count: within.length, longest: within.reduce((m, t) => Math.max(m, t.duration), 0) };
}
