/**
 * The issue 14 figures, each driven through the UI as a user does (roles and labels, as the e2e
 * specs), with the timing taken in the page (in-page.ts) and long tasks from the probe.
 */
import type { Browser, CDPSession, Page } from "playwright-core";
import { percentile, type Figures } from "../lib/stats";
import { freshAccounts, PlaygroundPage } from "../../e2e/support/playground-page";
import { clickUntilText, longTasks, pageNow, pressListKeys, sendUntilPushRow, typeSearch, untilText, type KeyTiming } from "./in-page";
import { installProbes, summariseCpu, summariseTasks, traceMainThread } from "./probes";
import { GOALS } from "./goals";

export interface Sizes {
  singleSends: number;
  burst: number;
  addResources: number;
  importEvents: number;
  liveEvents: number;
}

const HEADER_PUSHES = ".app-header .badge-push";
const FOOTER = ".timeline-footer > span:first-child";

export async function openPage(browser: Browser, url: string): Promise<{ page: Page; pg: PlaygroundPage; cdp: CDPSession; close(): Promise<void> }> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
  // tsx keeps function names with a `__name` helper the page functions then call: give the page one.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await context.addInitScript(installProbes);
  const page = await context.newPage();
  const pg = new PlaygroundPage(page as unknown as ConstructorParameters<typeof PlaygroundPage>[0]);
  await pg.goto();
  const cdp = await context.newCDPSession(page);
  return { page, pg, cdp, close: () => context.close() };
}

async function pushCount(page: Page): Promise<number> {
  const text = (await page.locator(HEADER_PUSHES).textContent()) ?? "";
  return Number(/^(\d+)/.exec(text)?.[1] ?? Number.NaN);
}

/** Fresh accounts, every session connected, push enabled from r1 (away=true), r1 away, r2 gone: each message is pushed. */
export async function setUpPushing(pg: PlaygroundPage, tag: string): Promise<void> {
  await pg.useAccounts(freshAccounts(tag));
  await pg.connectAll();
  await pg.enable({ from: "r1", away: true });
  await pg.setPresence("r1", "away");
  await pg.disconnect("r2");
  await pg.showTimeline();
  const panel = await pg.tool("Sender");
  const form = panel.getByRole("form", { name: "Send a message" });
  await form.getByLabel("To", { exact: true }).selectOption("bare");
  await form.getByLabel("Body", { exact: true }).fill("bench");
}

async function setBurst(pg: PlaygroundPage, n: number): Promise<void> {
  await pg.page.getByRole("form", { name: "Send a message" }).getByLabel("Burst size", { exact: true }).fill(String(n));
}

export async function singleSends(page: Page, pg: PlaygroundPage, figures: Figures, sizes: Sizes): Promise<void> {
  await setBurst(pg, 1);
  const latencies: number[] = [];
  const pagePart: number[] = [];
  for (let i = 0; i < sizes.singleSends; i++) {
    const t = await sendUntilPushRow(page);
    latencies.push(t.end - t.start);
    if (t.frameAt >= t.start) pagePart.push(t.end - t.frameAt);
    await page.waitForTimeout(30);
  }
  const note = `${sizes.singleSends} single sends`;
  figures.add("send → push row in DOM, p50", "ms", percentile(latencies, 50), { note, target: GOALS.latencyP50 });
  figures.add("send → push row in DOM, p99", "ms", percentile(latencies, 99), { note, target: GOALS.latencyP99 });
  const pageNote = `the page's part (publish frame → row), ${pagePart.length} sends`;
  figures.add("  publish frame → push row, p50", "ms", percentile(pagePart, 50), { note: pageNote });
  figures.add("  publish frame → push row, p99", "ms", percentile(pagePart, 99), { note: pageNote });
}

/** Send a burst and wait until the header counts all its pushes; the span and its long tasks. */
async function burst(page: Page, pg: PlaygroundPage, n: number, timeoutMs = 120_000) {
  await setBurst(pg, n);
  const before = await pushCount(page);
  const r = await clickUntilText(page, { selector: 'form[aria-label="Send a message"] button[type="submit"]' }, { selector: HEADER_PUSHES, atLeast: before + n }, timeoutMs);
  const tasks = summariseTasks(await longTasks(page), r.start, r.end);
  return { ms: r.end - r.start, tasks, timedOut: r.timedOut, text: r.text };
}

export async function burstFigure(page: Page, pg: PlaygroundPage, figures: Figures, sizes: Sizes): Promise<void> {
  const { result: r, tasks } = await traceMainThread(await page.context().newCDPSession(page), () => burst(page, pg, sizes.burst));
  const cpu = summariseCpu(tasks);
  figures.add(`burst of ${sizes.burst} → header +${sizes.burst} pushes`, "ms", r.timedOut ? Number.NaN : r.ms, { note: r.timedOut ? `timed out at "${r.text}"` : undefined, target: GOALS.burst });
  figures.add("  burst: longest task", "ms", r.tasks.longest, { note: `${r.tasks.count} long tasks (wall clock: waiting for a CPU included)`, target: GOALS.longTask });
  figures.add("  burst: longest task, page CPU time", "ms", cpu.longestCpuMs, { note: `${cpu.over50} tasks over 50 ms of CPU; ${Math.round(cpu.cpuMs)} ms of CPU in all`, target: GOALS.longTask });
}

/** Arrow keys over the whole imported view (no filter): each press selects the next row. */
async function keyboardFigures(page: Page, figures: Figures, sizes: Sizes): Promise<void> {
  const down = await pressListKeys(page, "ArrowDown", 30);
  const moved = [...down.moved].sort((a, b) => a - b);
  const frame = [...down.frame].sort((a, b) => a - b);
  figures.add(`keyboard selection over ${sizes.importEvents.toLocaleString("en-US")} events, per key press (median)`, "ms", moved[moved.length >> 1]!, {
    note: `30 × ArrowDown, until the selection moved in the DOM; slowest ${Math.round(moved.at(-1)!)} ms (the first: ${Math.round(down.moved[0]!)} ms); next frame: median ${Math.round(frame[frame.length >> 1]!)} ms`,
  });
}

/** Type the needle key by key into the timeline search over the imported view: per-key figures. */
async function searchFigures(page: Page, figures: Figures, sizes: Sizes, needle: string): Promise<void> {
  const typed = await typeSearch(page, needle);
  const keys = typed.keys;
  const sorted = (pick: (k: KeyTiming) => number) => keys.map(pick).sort((a, b) => a - b);
  const mid = (xs: number[]) => xs[xs.length >> 1]!;
  const complete = sorted((k) => k.complete);
  const completeFrame = sorted((k) => k.completeFrame);
  const firstChange = sorted((k) => k.first);
  const sync = sorted((k) => k.sync);
  const st = summariseTasks(await longTasks(page), typed.start, typed.end);
  const events = sizes.importEvents.toLocaleString("en-US");
  console.error(`search "${needle}", per key (complete in DOM / next frame / first change / input task), ms:\n${keys.map((k, i) => `  ${needle.slice(0, i + 1).padEnd(needle.length)} ${[k.complete, k.completeFrame, k.first, k.sync].map((v) => v.toFixed(1).padStart(6)).join(" ")}`).join("\n")}`);
  figures.add(`search over ${events} events, per keystroke (median)`, "ms", mid(complete), {
    note: `"${needle}", until the complete result is in the DOM; slowest ${Math.round(complete.at(-1)!)} ms`,
    target: GOALS.searchKey,
  });
  figures.add("  search: complete result on screen, per keystroke (median)", "ms", mid(completeFrame), { note: `the next frame after it; slowest ${Math.round(completeFrame.at(-1)!)} ms` });
  figures.add("  search: first matches shown, per keystroke (median)", "ms", mid(firstChange), { note: `slowest ${Math.round(firstChange.at(-1)!)} ms` });
  figures.add("  search: the input event's task, per keystroke (median)", "ms", mid(sync), { note: `slowest ${Math.round(sync.at(-1)!)} ms` });
  figures.add("  search: longest task", "ms", st.longest, { note: `${st.count} long tasks`, target: GOALS.longTask });
}

export async function importAndSearch(page: Page, pg: PlaygroundPage, figures: Figures, sizes: Sizes, file: { path: string; needle: string }): Promise<void> {
  const timeline = await pg.showTimeline();
  await page.evaluate(() => {
    document.addEventListener("change", (e) => {
      if ((e.target as HTMLElement).matches('input[type="file"]')) (window.__bench as unknown as Record<string, number>).importStart = performance.now();
    }, { capture: true, once: true });
  });
  await timeline.getByLabel("Timeline file to import").setInputFiles(file.path);
  // The file streams in: its first rows show while the rest is parsed ("… importing (n of N read)").
  const first = await untilText(page, FOOTER, `importing \\(|^${sizes.importEvents} events$`, 60_000);
  const done = await untilText(page, FOOTER, `^${sizes.importEvents} events$`, 60_000);
  const start = await page.evaluate(() => (window.__bench as unknown as Record<string, number>).importStart ?? Number.NaN);
  const imp = summariseTasks(await longTasks(page), start, done.end);
  const n = sizes.importEvents.toLocaleString("en-US");
  const startNote = Number.isNaN(start) ? "the file input's change event was not seen" : undefined;
  figures.add(`import ${n} events → first rows shown`, "ms", first.timedOut ? Number.NaN : first.end - start, {
    note: first.timedOut ? `not shown after 60 s: "${first.text}"` : startNote,
    target: GOALS.importShown,
  });
  figures.add(`  import → all ${n} rows shown`, "ms", done.timedOut ? Number.NaN : done.end - start, { note: done.timedOut ? `not shown after 60 s: "${done.text}"` : startNote });
  figures.add("  import: longest task", "ms", imp.longest, { note: `${imp.count} long tasks`, target: GOALS.longTask });

  await keyboardFigures(page, figures, sizes);
  await searchFigures(page, figures, sizes, file.needle);

  // Live events keep arriving under the imported view with the search active.
  const live = await burst(page, pg, sizes.burst);
  figures.add("  live burst under import+search: longest task", "ms", live.tasks.longest, {
    note: `${live.tasks.count} long tasks; ${Math.round(sizes.burst / (live.ms / 1000))} msg/s`,
    target: GOALS.longTask,
  });
  await timeline.getByRole("searchbox", { name: "Search timeline" }).fill("");
  await page.getByRole("button", { name: "Back to live", exact: true }).click();
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const usage = await cdp.send("Runtime.getHeapUsage");
  return usage.usedSize;
}

async function liveCount(page: Page): Promise<number> {
  const text = (await page.locator(FOOTER).first().textContent()) ?? "";
  return Number(/^(\d+)/.exec(text)?.[1] ?? 0);
}

export async function liveGrowth(page: Page, pg: PlaygroundPage, cdp: CDPSession, figures: Figures, sizes: Sizes): Promise<void> {
  let count = await liveCount(page);
  let lastTasks = { count: 0, longest: 0 };
  let bursts = 0;
  while (count < sizes.liveEvents && bursts < 400) {
    const r = await burst(page, pg, Math.min(1000, sizes.burst));
    bursts++;
    count = await liveCount(page);
    if (count >= sizes.liveEvents * 0.8) lastTasks = { count: lastTasks.count + r.tasks.count, longest: Math.max(lastTasks.longest, r.tasks.longest) };
  }
  const heap = await heapAfterGc(cdp);
  figures.add(`live session of ${sizes.liveEvents.toLocaleString("en-US")}+ events: heap after GC`, "bytes", heap, { note: `${count} events`, target: GOALS.heap });
  figures.add("  appends at 80–100% of it: longest task", "ms", lastTasks.longest, { note: `${lastTasks.count} long tasks`, target: GOALS.longTask });
}

export async function manySessions(page: Page, pg: PlaygroundPage, figures: Figures, sizes: Sizes): Promise<void> {
  await pg.useAccounts(freshAccounts("many"));
  await page.getByLabel("Number of resources to add", { exact: true }).fill(String(sizes.addResources));
  const total = sizes.addResources + 2;
  const add = await clickUntilText(page, { selector: "button", text: `Add ${sizes.addResources} resources` }, { selector: 'section[aria-label="Resources"] .panel-header .muted', pattern: `^${total} ·` }, 30_000);
  figures.add(`add ${sizes.addResources} resources (one action)`, "ms", add.timedOut ? Number.NaN : add.end - add.start, { target: GOALS.addResources });

  await pg.tool("Connection");
  const sessions = total + 2;
  const t0 = await pageNow(page);
  const traced = await traceMainThread(await page.context().newCDPSession(page), () =>
    clickUntilText(page, { selector: "button", text: "Connect all" }, { selector: ".app-header .session-summary button", pattern: `^${sessions} sessions: ${sessions} connected$` }, 60_000),
  );
  const r = traced.result;
  const tasks = summariseTasks(await longTasks(page), t0, r.end);
  const cpu = summariseCpu(traced.tasks);
  figures.add(`Connect all, ${sessions} sessions`, "ms", r.timedOut ? Number.NaN : r.end - r.start, { note: r.timedOut ? `after 60 s: "${r.text}"` : undefined, target: GOALS.connectAll });
  figures.add("  Connect all: longest task", "ms", tasks.longest, { note: `${tasks.count} long tasks (wall clock)`, target: GOALS.longTask });
  figures.add("  Connect all: longest task, page CPU time", "ms", cpu.longestCpuMs, { note: `${cpu.over50} tasks over 50 ms of CPU; ${Math.round(cpu.cpuMs)} ms of CPU in all`, target: GOALS.longTask });
}
