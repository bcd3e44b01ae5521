/**
 * Sequence view benchmark: build the sequence model from 10,000 and 100,000 realistic timeline
 * events (the timeline benchmark's push rounds), keep it up to date as a live timeline grows,
 * window it as the view scrolls, export SVG and Mermaid. Prints medians over N runs.
 *
 *   node --import tsx bench/sequence.ts [--small 10000] [--large 100000] [--runs 5] [--check] [--json out.json]
 *
 * Figures only: nothing asserts on time unless `--check` is given, and then against deliberately
 * generous targets (the machines are shared and noisy).
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { TimelineEvent } from "../src/app/model";
import { buildSequence, createSequenceBuilder, scrollTopToReveal, sliceSequence, toMermaid, toSvg, visibleRows, ROW_HEIGHT, type SequenceModel } from "../src/app/sequence";
import { commandLine, intIn, type FlagSpecs } from "./lib/cli";
import { below, fmtBytes, fmtMs, Figures, fmtFigure, machineLine, median, meets, renderTable, timeSync } from "./lib/stats";
import { buildTimelineFixture } from "./lib/timeline-fixtures";

const FLAGS = {
  small: { type: "number", help: "events of the small session", default: 10_000 },
  large: { type: "number", help: "events of the large session", default: 100_000 },
  runs: { type: "number", help: "runs per figure (the median is printed)", default: 5 },
  check: { type: "boolean", help: "exit 1 when a generous target is missed" },
  json: { type: "string", help: "also write the figures to this JSON file" },
  help: { type: "boolean", help: "show this text" },
} satisfies FlagSpecs;

const TITLE = "bench/sequence.ts: the Sequence view's model, windowing and exports";

/** The view's viewport in the benchmark: about 30 rows. */
const VIEWPORT = 840;
/** Scroll positions sampled per windowing figure. */
const SCROLLS = 2_000;




function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Mean time of one `visibleRows` call over evenly spread scroll positions (µs). */
function windowing(model: SequenceModel): number {
  const total = model.rows.length * ROW_HEIGHT;
  let drawn = 0;
  const t0 = performance.now();
  for (let i = 0; i < SCROLLS; i++) drawn += visibleRows(model, (i / SCROLLS) * total, VIEWPORT).rows.length;
  const us = ((performance.now() - t0) * 1000) / SCROLLS;
  if (drawn === 0) throw new Error("windowing drew nothing");
  return us;
}

function oneRun(figures: Figures, small: TimelineEvent[], large: TimelineEvent[], sizes: { small: string; large: string }): void {
  const builtSmall = timeSync(() => buildSequence(small));
  figures.add(`build model: ${sizes.small} events`, "ms", builtSmall.ms, { target: below(200, "200 ms") });
  const builtLarge = timeSync(() => buildSequence(large));
  figures.add(`build model: ${sizes.large} events`, "ms", builtLarge.ms, { target: below(2000, "2 s") });
  const flat = timeSync(() => buildSequence(large, { collapse: false }));
  figures.add(`  same, nothing folded`, "ms", flat.ms, { note: `${count(flat.value.rows.length)} rows` });

  // A live view: the builder redraws from its last checkpoint before what changed.
  const builder = createSequenceBuilder();
  builder.update(large.slice(0, large.length - 20));
  figures.add(`live update: 20 events appended to ${sizes.large}`, "ms", timeSync(() => builder.update(large)).ms, { target: below(50, "50 ms") });
  const patched = large.slice();
  const at = patched.length - 30;
  patched[at] = { ...patched[at]!, summary: `${patched[at]!.summary} (patched)` };
  figures.add(`live update: an event 30 from the end patched`, "ms", timeSync(() => builder.update(patched)).ms, { target: below(50, "50 ms") });

  const model = builtLarge.value;
  figures.add(`window (visibleRows), ${sizes.large}-event model`, "us", windowing(model), { note: `mean of ${count(SCROLLS)} scroll positions, ${VIEWPORT} px`, target: below(1000, "1 ms") });
  const probe = large[Math.floor(large.length / 2)]!.id;
  figures.add(`reveal a selected event (scrollTopToReveal)`, "us", timeSync(() => scrollTopToReveal(model, probe, 0, VIEWPORT)).ms * 1000);

  const smallModel = builtSmall.value;
  const svg = timeSync(() => toSvg(smallModel));
  figures.add(`SVG export: whole ${sizes.small}-event session`, "ms", svg.ms, { note: `${count(smallModel.rows.length)} rows`, target: below(2000, "2 s") });
  figures.add(`  SVG size`, "bytes", svg.value.length);
  const screen = sliceSequence(model, Math.floor(model.rows.length / 2), Math.floor(model.rows.length / 2) + 40);
  figures.add(`SVG export: a 40-row selection`, "ms", timeSync(() => toSvg(screen, { theme: "dark" })).ms, { target: below(50, "50 ms") });
  figures.add(`SVG export: whole ${sizes.large}-event session`, "ms", timeSync(() => toSvg(model)).ms, { note: `${count(model.rows.length)} rows` });

  const mermaid = timeSync(() => toMermaid(smallModel));
  figures.add(`Mermaid export: ${sizes.small}-event session (newest 400 rows)`, "ms", mermaid.ms, { target: below(200, "200 ms") });
  const mermaidAll = timeSync(() => toMermaid(smallModel, { maxRows: Number.POSITIVE_INFINITY }));
  figures.add(`Mermaid export: ${sizes.small}-event session, every row`, "ms", mermaidAll.ms, { note: fmtBytes(mermaidAll.value.length) });
}

function main(): number {
  const flags = commandLine(TITLE, FLAGS);
  if (typeof flags === "number") return flags;
  const smallCount = intIn("small", flags.small, 10_000, 10, 1_000_000);
  const largeCount = intIn("large", flags.large, 100_000, 10, 2_000_000);
  const runs = intIn("runs", flags.runs, 5, 1, 50);

  console.log(TITLE);
  console.log(machineLine());
  const built = timeSync(() => ({ small: buildTimelineFixture(smallCount).events, large: buildTimelineFixture(largeCount, 43).events }));
  const { small, large } = built.value;
  const sample = buildSequence(large);
  console.log(
    `fixtures: ${count(smallCount)} and ${count(largeCount)} timeline events in ${fmtMs(built.ms)}; the large one draws ${count(sample.rows.length)} rows ` +
      `(${count(sample.stats.collapsedEvents)} events folded, ${count(sample.stats.pushes)} pushes, ${count(sample.stats.notPushed)} not pushed); ${runs} run(s), median shown\n`,
  );

  const sizes = { small: count(smallCount), large: count(largeCount) };
  // One unmeasured warm-up run so that JIT compilation is not billed to the first sample.
  oneRun(new Figures(), small, large, sizes);
  const figures = new Figures();
  for (let r = 0; r < runs; r++) oneRun(figures, small, large, sizes);

  const rows: string[][] = [];
  const misses: string[] = [];
  for (const f of figures.list) {
    const m = median(f.samples);
    const ok = f.target ? meets(m, f.target) : null;
    if (ok === false) misses.push(`${f.name.trim()}: ${fmtFigure(f.unit, m)} (target ${f.target!.text})`);
    const range = f.samples.length > 1 && (f.unit === "ms" || f.unit === "us") ? `${fmtFigure(f.unit, Math.min(...f.samples))} – ${fmtFigure(f.unit, Math.max(...f.samples))}` : "";
    rows.push([f.name, fmtFigure(f.unit, m), range, f.note ?? "", f.target?.text ?? "", ok === null ? "" : ok ? "ok" : "MISSED"]);
  }
  console.log(renderTable(["figure", `median (${runs})`, "range", "detail", "target", ""], rows));
  console.log();
  if (misses.length === 0) console.log("All figures within their targets.");
  else console.log(`Targets missed (${misses.length}):\n  ${misses.join("\n  ")}`);

  if (flags.json) {
    const out = {
      bench: "sequence",
      at: new Date().toISOString(),
      machine: machineLine(),
      params: { small: smallCount, large: largeCount, runs },
      figures: figures.list.map((f) => ({ name: f.name.trim(), unit: f.unit, median: median(f.samples), samples: f.samples, note: f.note, target: f.target?.text })),
      misses,
    };
    writeFileSync(flags.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`figures written to ${flags.json}`);
  }
  return flags.check && misses.length > 0 ? 1 : 0;
}

process.exitCode = main();
