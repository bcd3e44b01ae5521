/**
 * `npm run bench:ui`: the issue 14 figures of the built app, driven in Debian's Chromium through
 * the UI (roles and labels, as the e2e specs), against `vite preview` with the reference server
 * mounted. Prints medians over the repetitions, each figure beside its goal. Figures only: the
 * exit code is non-zero when the bench itself breaks, never because of a time.
 *
 *   npm run bench:ui [-- --runs 3] [--quick] [--no-build] [--port 4216] [--json out.json] [--only sends,burst]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { buildTimelineDocument } from "../../src/app/stores/timeline-file";
import { intIn, type FlagSpecs, type ParsedFlags } from "../lib/cli";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { fmtBytes, Figures, fmtFigure, hardStop, median, meets, renderTable } from "../lib/stats";
import { buildTimelineFixture } from "../lib/timeline-fixtures";
import { buildApp } from "./app-server";
import { runBench, withAppInChromium } from "./runner";
import { burstFigure, importAndSearch, liveGrowth, manySessions, openPage, setUpPushing, singleSends, type Sizes } from "./scenarios";

const TITLE = "npm run bench:ui: the browser figures of issue 14 (built app, Debian Chromium, reference server)";
const FLAGS = {
  runs: { type: "number", help: "repetitions (medians are printed)", default: 3 },
  quick: { type: "boolean", help: "one repetition at small sizes (CI: checks the bench still runs)" },
  "no-build": { type: "boolean", help: "serve the dist/ already built" },
  port: { type: "number", help: "port for vite preview", default: 4216 },
  json: { type: "string", help: "also write the figures to this file" },
  only: { type: "string", help: `comma-separated subset of: ${"sends,burst,import,growth,sessions"}` },
  help: { type: "boolean", help: "this text" },
} satisfies FlagSpecs;

const FULL: Sizes = { singleSends: 100, burst: 1000, addResources: 98, importEvents: 100_000, liveEvents: 100_000 };
const QUICK: Sizes = { singleSends: 10, burst: 100, addResources: 20, importEvents: 5_000, liveEvents: 2_000 };

/** The machine, and how busy it was: these figures move with the load. */
function machine(): string {
  return `${process.platform}/${process.arch}, ${availableParallelism()} CPUs, ${fmtBytes(totalmem())} RAM, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`;
}

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--enable-precise-memory-info"];

const PARTS = ["sends", "burst", "import", "growth", "sessions"] as const;
type Part = (typeof PARTS)[number];

/** `--only a,b`: the parts to run (all without it); a name that is not a part is an error. */
function parseOnly(value: unknown): ReadonlySet<Part> {
  if (typeof value !== "string" || value.trim() === "") return new Set(PARTS);
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown part ${unknown.join(", ")} (parts: ${PARTS.join(", ")})`);
  return new Set(names as Part[]);
}

/** One repetition: a pushing page for latency, burst, import/search and growth; a fresh page for many sessions. */
async function repetition(browser: Browser, url: string, figures: Figures, sizes: Sizes, file: { path: string; needle: string }, only: ReadonlySet<Part>): Promise<void> {
  if (only.has("sends") || only.has("burst") || only.has("import") || only.has("growth")) {
    const a = await openPage(browser, url);
    try {
      await setUpPushing(a.pg, "benchui");
      if (only.has("sends")) await singleSends(a.page, a.pg, figures, sizes);
      if (only.has("burst")) await burstFigure(a.page, a.pg, figures, sizes);
      if (only.has("import")) await importAndSearch(a.page, a.pg, figures, sizes, file);
      if (only.has("growth")) await liveGrowth(a.page, a.pg, a.cdp, figures, sizes);
    } finally {
      await a.close();
    }
  }
  if (!only.has("sessions")) return;
  const b = await openPage(browser, url);
  try {
    await manySessions(b.page, b.pg, figures, sizes);
  } finally {
    await b.close();
  }
}

function print(figures: Figures, runs: number): void {
  const rows = figures.list.map((f) => {
    const m = median(f.samples.filter(Number.isFinite));
    const ok = f.target ? meets(m, f.target) : null;
    const range = f.samples.length > 1 ? `${fmtFigure(f.unit, Math.min(...f.samples))} – ${fmtFigure(f.unit, Math.max(...f.samples))}` : "";
    return [f.name, fmtFigure(f.unit, m), range, f.note ?? "", f.target?.text ?? "", ok === null ? "" : ok ? "met" : "NOT MET"];
  });
  console.log(renderTable(["figure", `median (${runs})`, "range", "detail", "goal", ""], rows));
}

async function main(flags: ParsedFlags<typeof FLAGS>): Promise<number> {
  const quick = flags.quick === true;
  const runs = quick ? 1 : intIn("runs", flags.runs, 3, 1, 10);
  const port = intIn("port", flags.port, 4216, 1024, 65535);
  const sizes = quick ? QUICK : FULL;
  const only = parseOnly(flags.only);
  hardStop((quick ? 10 : 60) * 60_000);

  const dir = mkdtempSync(join(tmpdir(), "bench-ui-"));
  const fixture = buildTimelineFixture(sizes.importEvents);
  const path = join(dir, `timeline-${sizes.importEvents}.json`);
  writeFileSync(path, JSON.stringify(buildTimelineDocument(fixture.events, null)));
  fixture.events.length = 0;

  const figures = new Figures();
  let version: string;
  try {
    if (!flags["no-build"]) buildApp();
    version = await withAppInChromium({ port, args: CHROMIUM_ARGS }, async ({ browser, server }) => {
      for (let i = 0; i < runs; i++) {
        console.error(`repetition ${i + 1}/${runs}…`);
        await repetition(browser, server.url, figures, sizes, { path, needle: fixture.rareNeedle }, only);
      }
      return browser.version();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${TITLE}\n${machine()}; Chromium ${version}; heap: the page's, after GC over CDP${quick ? "; --quick sizes" : ""}\n`);
  print(figures, runs);
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ bench: "ui", at: new Date().toISOString(), machine: machine(), sizes, runs, figures: figures.list.map((f) => ({ ...f, median: median(f.samples) })) }, null, 2)}\n`);
  }
  return 0;
}

runBench(TITLE, FLAGS, main);
