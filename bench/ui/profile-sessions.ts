/**
 * Where the page's CPU goes during "Connect all" with many sessions: a V8 CPU profile of the page
 * (CDP `Profiler`), summarised by self time per function and per source file. For finding hot
 * spots, not a figure of issue 14 (`npm run bench:ui -- --only sessions` prints those).
 *
 *   npx vite build --minify false --outDir dist-profile   # readable function names
 *   node --import tsx bench/ui/profile-sessions.ts [--out-dir dist-profile] [--port 4232] [--resources 98] [--save out.cpuprofile]
 */
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { commandLine, intIn, type FlagSpecs } from "../lib/cli";
import { startPreview } from "./app-server";
import { clickUntilText } from "./in-page";
import { openPage } from "./scenarios";
import { freshAccounts } from "../../e2e/support/playground-page";

const FLAGS = {
  "out-dir": { type: "string", help: "the build to serve (default dist)" },
  port: { type: "number", help: "port for vite preview", default: 4232 },
  resources: { type: "number", help: "resources to add before Connect all", default: 98 },
  save: { type: "string", help: "also write the .cpuprofile (open it in Chrome DevTools)" },
  top: { type: "number", help: "rows per table", default: 40 },
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

async function main(): Promise<number> {
  const flags = commandLine("profile Connect all", FLAGS);
  if (typeof flags === "number") return flags;
  const port = intIn("port", flags.port, 4232, 1024, 65535);
  const resources = intIn("resources", flags.resources, 98, 1, 500);
  const top = intIn("top", flags.top, 40, 5, 500);
  const outDir = typeof flags["out-dir"] === "string" ? flags["out-dir"] : undefined;
  const server = await startPreview(port, outDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const { page, pg, cdp, close } = await openPage(browser, server.url);
    await pg.useAccounts(freshAccounts("prof"));
    await page.getByLabel("Number of resources to add", { exact: true }).fill(String(resources));
    await page.getByRole("button", { name: `Add ${resources} resources` }).click();
    await pg.tool("Connection");
    // Load the XMPP chunk first so the profile holds only the handshakes and what they cause.
    await page.waitForTimeout(1500);
    // The two resources a fresh page has, the sender and the sink.
    const sessions = resources + 4;
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    const serverCpu0 = server.cpuSeconds();
    const r = await clickUntilText(page, { selector: "button", text: "Connect all" }, { selector: ".app-header .session-summary button", pattern: `^${sessions} sessions: ${sessions} connected$` }, 60_000);
    // What the last sessions' presence causes after the header said connected.
    await page.waitForTimeout(1000);
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    const serverCpu = server.cpuSeconds() - serverCpu0;
    console.log(`Connect all: ${(r.end - r.start).toFixed(0)} ms${r.timedOut ? ` (timed out: "${r.text}")` : ""}; vite preview + reference server CPU ${(serverCpu * 1000).toFixed(0)} ms\n`);
    console.log(summarise(profile, top));
    if (typeof flags.save === "string") writeFileSync(flags.save, JSON.stringify(profile));
    await close();
  } finally {
    await browser.close();
    await server.stop();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
