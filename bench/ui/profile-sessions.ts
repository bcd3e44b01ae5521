/**
 * Where the page's CPU goes during "Connect all" with many sessions: a V8 CPU profile of the page
 * (CDP `Profiler`), summarised by self time per function and per source file. For finding hot
 * spots, not a figure of issue 14 (`npm run bench:ui -- --only sessions` prints those).
 *
 *   npx vite build --minify false --outDir dist-profile   # readable function names
 *   node --import tsx bench/ui/profile-sessions.ts [--out-dir dist-profile] [--port 4232] [--resources 98] [--save out.cpuprofile]
 */
import { writeFileSync } from "node:fs";
import type { CDPSession } from "playwright-core";
import { intIn, type FlagSpecs, type ParsedFlags } from "../lib/cli";
import { clickUntilText } from "./in-page";
import type { TraceEvent } from "./probes";
import { runBench, withAppInChromium } from "./runner";
import { openPage } from "./scenarios";
import { freshAccounts } from "../../e2e/support/playground-page";

const FLAGS = {
  "out-dir": { type: "string", help: "the build to serve (default dist)" },
  port: { type: "number", help: "port for vite preview", default: 4232 },
  resources: { type: "number", help: "resources to add before Connect all", default: 98 },
  save: { type: "string", help: "also write the .cpuprofile (open it in Chrome DevTools)" },
  top: { type: "number", help: "rows per table", default: 40 },
  trace: { type: "boolean", help: "a Chromium trace instead of the CPU profile: main-thread time by trace event (layout, paint, …)" },
  help: { type: "boolean", help: "this text" },
} satisfies FlagSpecs;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function table(title: string, rows: [string, number][], totalUs: number, top: number): string {
  const lines = rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${name}`);
  return `${title}\n${lines.join("\n")}`;
}

/** Self time per function and per file; inclusive time per function. */
function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const file = n.callFrame.url.replace(/^.*\/assets\//, "").replace(/^.*\/\/[^/]+\//, "") || "(native)";
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`;
    total += us;
    if (n.callFrame.functionName !== "(idle)" && n.callFrame.functionName !== "(program)") busy += us;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur)!.callFrame;
      const key = `${c.functionName || "(anonymous)"} ${c.url.replace(/^.*\/assets\//, "")}:${c.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fnTotal.set(key, (fnTotal.get(key) ?? 0) + us);
    }
  }
  return [
    `profile ${(total / 1000).toFixed(0)} ms, of which busy (not idle/program) ${(busy / 1000).toFixed(0)} ms`,
    table("self time by function", [...fnSelf], total, top),
    table("self time by file", [...fileSelf], total, top),
    table("inclusive time by function", [...fnTotal], total, top),
  ].join("\n\n");
}

/**
 * Each login's steps from the WebSocket frames (CDP Network): how long the page waited for each
 * answer, and how long it took to send the next request after an answer, medians over sessions.
 */
function loginSteps(sockets: { created: number; frames: { dir: "in" | "out"; t: number; text: string }[] }[]): string {
  const t0 = Math.min(...sockets.map((s) => s.created).filter(Number.isFinite));
  const spans = sockets.map((s) => {
    const firstIn = s.frames.find((f) => f.dir === "in");
    const presence = s.frames.find((f) => f.dir === "out" && f.text.startsWith("<presence"));
    return { start: s.created - t0, open: (s.frames[0]?.t ?? Number.NaN) - s.created, ready: (presence?.t ?? Number.NaN) - s.created, firstIn: firstIn ? firstIn.t - s.created : Number.NaN };
  });
  // Per step: the page's request → the server's first answer (server + network), answer → next request (page).
  const steps = new Map<string, { wait: number[]; think: number[] }>();
  for (const s of sockets) {
    let lastOut: { t: number; text: string } | null = null;
    let lastIn: number | null = null;
    for (const f of s.frames) {
      if (f.text.startsWith("<presence") && f.dir === "out") break;
      if (f.dir === "out") {
        const key = f.text.replace(/\s.*$/, "").slice(0, 20);
        const step = steps.get(key) ?? { wait: [], think: [] };
        if (lastIn !== null) step.think.push(f.t - lastIn);
        steps.set(key, step);
        lastOut = f;
        lastIn = null;
      } else if (lastOut && lastIn === null) {
        lastIn = f.t;
        steps.get(lastOut.text.replace(/\s.*$/, "").slice(0, 20))!.wait.push(f.t - lastOut.t);
      }
    }
  }
  const med = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : Number.NaN);
  const lines = [...steps].map(([k, v]) => `  ${k.padEnd(22)} server answered after ${med(v.wait).toFixed(1).padStart(6)} ms; page sent it ${med(v.think).toFixed(1).padStart(6)} ms after the previous answer`);
  return [
    `${sockets.length} WebSockets; socket created → first frame sent: median ${med(spans.map((s) => s.open)).toFixed(1)} ms; → presence sent: median ${med(spans.map((s) => s.ready)).toFixed(1)} ms; last socket created at +${Math.max(...spans.map((s) => s.start)).toFixed(0)} ms`,
    "login steps (medians):",
    ...lines,
  ].join("\n");
}

/** Starts a trace of the page's main thread; the function it returns stops it and sums self time by event name. */
async function startTrace(cdp: CDPSession): Promise<() => Promise<string>> {
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (data: { value: object[] }) => events.push(...(data.value as TraceEvent[])));
  await cdp.send("Tracing.start", { categories: "toplevel,devtools.timeline,v8.execute,blink", transferMode: "ReportEvents" });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
    await cdp.send("Tracing.end");
    await complete;
    const renderers = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
    const counts = new Map<string, number>();
    for (const e of events) if (e.ph === "X" && renderers.has(`${e.pid}:${e.tid}`)) counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
    const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    const byName = new Map<string, { n: number; cpu: number }>();
    for (const e of events) {
      if (e.ph !== "X" || `${e.pid}:${e.tid}` !== main) continue;
      const row = byName.get(e.name) ?? { n: 0, cpu: 0 };
      row.n++;
      row.cpu += (e.tdur ?? e.dur ?? 0) / 1000;
      byName.set(e.name, row);
    }
    const rows = [...byName].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 40);
    return ["main-thread trace events, inclusive CPU (nested events overlap):", ...rows.map(([name, r]) => `${r.cpu.toFixed(1).padStart(9)} ms ${String(r.n).padStart(7)}×  ${name}`)].join("\n");
  };
}

async function main(flags: ParsedFlags<typeof FLAGS>): Promise<number> {
  const port = intIn("port", flags.port, 4232, 1024, 65535);
  const resources = intIn("resources", flags.resources, 98, 1, 500);
  const top = intIn("top", flags.top, 40, 5, 500);
  const outDir = typeof flags["out-dir"] === "string" ? flags["out-dir"] : undefined;
  return withAppInChromium({ port, outDir, args: ["--no-sandbox", "--disable-gpu"] }, async ({ browser, server }) => {
    const { page, pg, cdp, close } = await openPage(browser, server.url);
    await pg.useAccounts(freshAccounts("prof"));
    await page.getByLabel("Number of resources to add", { exact: true }).fill(String(resources));
    await page.getByRole("button", { name: `Add ${resources} resources` }).click();
    await pg.tool("Connection");
    // Load the XMPP chunk first so the profile holds only the handshakes and what they cause.
    await page.waitForTimeout(1500);
    // The two resources a fresh page has, the sender and the sink.
    const sessions = resources + 4;
    const sockets = new Map<string, { created: number; frames: { dir: "in" | "out"; t: number; text: string }[] }>();
    await cdp.send("Network.enable");
    cdp.on("Network.webSocketCreated", (e: { requestId: string }) => void sockets.set(e.requestId, { created: Number.NaN, frames: [] }));
    cdp.on("Network.webSocketWillSendHandshakeRequest", (e: { requestId: string; timestamp: number }) => {
      const s = sockets.get(e.requestId);
      if (s) s.created = e.timestamp * 1000;
    });
    const onFrame = (dir: "in" | "out") => (e: { requestId: string; timestamp: number; response: { payloadData: string } }) =>
      sockets.get(e.requestId)?.frames.push({ dir, t: e.timestamp * 1000, text: e.response.payloadData.slice(0, 60) });
    cdp.on("Network.webSocketFrameSent", onFrame("out"));
    cdp.on("Network.webSocketFrameReceived", onFrame("in"));
    const serverCpu0 = server.cpuSeconds();
    const traced = flags.trace === true ? await startTrace(cdp) : null;
    if (!traced) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    const r = await clickUntilText(page, { selector: "button", text: "Connect all" }, { selector: ".app-header .session-summary button", pattern: `^${sessions} sessions: ${sessions} connected$` }, 60_000);
    // What the last sessions' presence causes after the header said connected.
    await page.waitForTimeout(1000);
    if (traced) {
      const serverCpu = server.cpuSeconds() - serverCpu0;
      console.log(`Connect all: ${(r.end - r.start).toFixed(0)} ms; vite preview + reference server CPU ${(serverCpu * 1000).toFixed(0)} ms\n${await traced()}`);
      await close();
      return 0;
    }
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    const serverCpu = server.cpuSeconds() - serverCpu0;
    console.log(`Connect all: ${(r.end - r.start).toFixed(0)} ms${r.timedOut ? ` (timed out: "${r.text}")` : ""}; vite preview + reference server CPU ${(serverCpu * 1000).toFixed(0)} ms\n`);
    console.log(summarise(profile, top));
    if (typeof flags.save === "string") writeFileSync(flags.save, JSON.stringify(profile));
    console.log(`\n${loginSteps([...sockets.values()])}`);
    await close();
    return 0;
  });
}

runBench("profile Connect all", FLAGS, main);
