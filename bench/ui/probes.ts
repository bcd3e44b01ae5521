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

/** One task of the page's main thread from a Chromium trace: wall time and the thread's CPU time. */
export interface TracedTask {
  wallMs: number;
  cpuMs: number;
}

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** What the CDP session gives the bench (playwright-core's CDPSession, as far as it is used here). */
interface TraceSession {
  send(method: "Tracing.start", params: { categories: string; transferMode: "ReportEvents" }): Promise<unknown>;
  send(method: "Tracing.end"): Promise<unknown>;
  on(event: "Tracing.dataCollected", listener: (data: { value: object[] }) => void): unknown;
  once(event: "Tracing.tracingComplete", listener: () => void): unknown;
  detach(): Promise<void>;
}

/**
 * Runs `fn` under a Chromium trace and returns the page's main-thread tasks with their CPU time
 * (`tdur`). On a shared machine a task's wall time includes waiting for a CPU; its CPU time is the
 * page's own work, which is what "no task > 50 ms" is about.
 */
export async function traceMainThread<T>(session: TraceSession, fn: () => Promise<T>): Promise<{ result: T; tasks: TracedTask[] }> {
  const events: TraceEvent[] = [];
  session.on("Tracing.dataCollected", (data) => events.push(...(data.value as TraceEvent[])));
  const complete = new Promise<void>((resolve) => session.once("Tracing.tracingComplete", resolve));
  // Only the top-level task events: cheap enough not to change the figure being traced.
  await session.send("Tracing.start", { categories: "toplevel", transferMode: "ReportEvents" });
  let result: T;
  try {
    result = await fn();
  } finally {
    await session.send("Tracing.end");
    await complete;
    await session.detach();
  }
  // The page's thread: the renderer main thread (thread_name metadata) that ran the most tasks.
  const isTask = (e: TraceEvent) => e.ph === "X" && (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask");
  const renderers = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const counts = new Map<string, number>();
  for (const e of events) if (isTask(e) && renderers.has(`${e.pid}:${e.tid}`)) counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const tasks = events.filter((e) => `${e.pid}:${e.tid}` === main && isTask(e)).map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 }));
  return { result, tasks };
}

export function summariseCpu(tasks: readonly TracedTask[]): { cpuMs: number; longestCpuMs: number; over50: number } {
  return {
    cpuMs: tasks.reduce((sum, t) => sum + t.cpuMs, 0),
    longestCpuMs: tasks.reduce((m, t) => Math.max(m, t.cpuMs), 0),
    over50: tasks.filter((t) => t.cpuMs > 50).length,
  };
}
