/**
 * Timeline and console store benchmark: 100,000 realistic events through the real event queue
 * and zustand stores (the path the Playground service uses), then filters, search, export and
 * import, and the XML console with 100,000 frames (SM nonzas hidden by default). Prints a table of
 * medians over N runs and the heap the stores hold.
 *
 *   node --expose-gc --import tsx bench/timeline-store.ts [--events 100000] [--frames 100000]
 *        [--runs 5] [--rate 10000] [--check] [--json out.json]
 *
 * Figures only: nothing here asserts on time unless `--check` is given, and then against
 * deliberately generous targets (the machines are shared and noisy).
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { StoreApi } from "zustand/vanilla";
import type { ConsoleFrame, TimelineEvent } from "../src/app/model";
import { createConsoleStore, filterFrames, type ConsoleFilters, type ConsoleState } from "../src/app/stores/console";
import { createEventQueue, DEFAULT_FLUSH_INTERVAL_MS, type EventQueue } from "../src/app/stores/event-queue";
import { DEFAULT_CAP } from "../src/app/stores/ring";
import { createTimelineStore, filterEvents, type TimelineFilters, type TimelineState } from "../src/app/stores/timeline";
import { timeSlicer, writeTimelineExport, type Slicer } from "../src/app/stores/timeline-export";
import { buildTimelineDocument, parseTimelineDocument } from "../src/app/stores/timeline-file";
import { stanzaKind } from "../src/protocol/xml-format";
import { commandLine, intIn, type FlagSpecs } from "./lib/cli";
import {
  below,
  fmtBytes,
  Figures,
  fmtFigure,
  fmtMs,
  machineLine,
  median,
  meets,
  renderTable,
  sampleHeap,
  timeSync,
  type Target,
} from "./lib/stats";
import { buildRawFrames, buildTimelineFixture, toConsoleFrames, type RawFrame, type TimelineFixture } from "./lib/timeline-fixtures";

const FLAGS = {
  events: { type: "number", help: "timeline events", default: 100_000 },
  frames: { type: "number", help: "console frames", default: 100_000 },
  runs: { type: "number", help: "runs per figure (the median is printed)", default: 5 },
  rate: { type: "number", help: "arrival rate (events/s) of the streamed append, in virtual time", default: 10_000 },
  check: { type: "boolean", help: "exit 1 when a generous target is missed" },
  json: { type: "string", help: "also write the figures to this JSON file" },
  help: { type: "boolean", help: "show this text" },
} satisfies FlagSpecs;

const TITLE = "bench/timeline-store.ts: timeline and console stores under 100,000 events";

// ---------------------------------------------------------------------------------------------
// driving the real queue in virtual time

/**
 * An event queue whose flush timer is ours to fire: events arrive at `rate` per second of
 * virtual time and the queue's own 50 ms timer fires between arrivals, so each store update
 * carries what 50 ms of traffic would carry, without the benchmark waiting in real time.
 */
interface DrivenQueue {
  queue: EventQueue;
  /** Fire the pending flush timer, if any; returns the ms it took (0 when nothing was pending). */
  fireTimer(): number;
}

function drivenQueue(timeline: StoreApi<TimelineState>, console: StoreApi<ConsoleState>): DrivenQueue {
  let pending: (() => void) | null = null;
  const queue = createEventQueue({
    timeline,
    console,
    setTimer: (fn) => {
      pending = fn;
      return fn;
    },
    clearTimer: () => {
      pending = null;
    },
  });
  return {
    queue,
    fireTimer() {
      const fn = pending;
      if (!fn) return 0;
      pending = null;
      const t0 = performance.now();
      fn();
      return performance.now() - t0;
    },
  };
}

function countUpdates<T>(store: StoreApi<T>): { readonly count: number; stop(): void } {
  let count = 0;
  const stop = store.subscribe(() => {
    count += 1;
  });
  return {
    get count() {
      return count;
    },
    stop,
  };
}

interface AppendFigures {
  totalMs: number;
  updates: number;
  longestUpdateMs: number;
  shown: number;
  dropped: number;
}

/** Every event (and the patches that follow it) pushed at once, then one flush. */
function appendBurst(fixture: TimelineFixture, cap: number): AppendFigures & { store: StoreApi<TimelineState> } {
  const timeline = createTimelineStore({ cap });
  const console = createConsoleStore({ cap });
  const { queue, fireTimer } = drivenQueue(timeline, console);
  const updates = countUpdates(timeline);
  const t0 = performance.now();
  pushAll(queue, fixture, 0, fixture.events.length);
  queue.flush();
  const totalMs = performance.now() - t0;
  fireTimer();
  updates.stop();
  const s = timeline.getState();
  return { totalMs, updates: updates.count, longestUpdateMs: totalMs, shown: s.events.length, dropped: s.dropped, store: timeline };
}

function pushAll(queue: EventQueue, fixture: TimelineFixture, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    queue.pushEvent(fixture.events[i]!);
    const patches = fixture.patchesAfter.get(i);
    if (patches) for (const p of patches) queue.patchEvent(p);
  }
}

/** Events arrive at `rate`/s; the queue's 50 ms timer flushes between arrivals. */
function appendStreamed(fixture: TimelineFixture, cap: number, rate: number): AppendFigures & { store: StoreApi<TimelineState> } {
  const timeline = createTimelineStore({ cap });
  const console = createConsoleStore({ cap });
  const { queue, fireTimer } = drivenQueue(timeline, console);
  const updates = countUpdates(timeline);
  const perTick = Math.max(1, Math.round((rate * DEFAULT_FLUSH_INTERVAL_MS) / 1000));
  let longest = 0;
  const t0 = performance.now();
  for (let i = 0; i < fixture.events.length; i += perTick) {
    pushAll(queue, fixture, i, Math.min(fixture.events.length, i + perTick));
    longest = Math.max(longest, fireTimer());
  }
  queue.flush();
  const totalMs = performance.now() - t0;
  updates.stop();
  const s = timeline.getState();
  return { totalMs, updates: updates.count, longestUpdateMs: longest, shown: s.events.length, dropped: s.dropped, store: timeline };
}

// ---------------------------------------------------------------------------------------------
// figures




/** Milliseconds spent until `fn`'s promise settles. */
async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The export's own slicer, timing the work between two yields. */
function measuredSlicer(): Slicer & { longest(): number } {
  const inner = timeSlicer();
  let from = performance.now();
  let longest = 0;
  return {
    due: () => inner.due(),
    pause: async () => {
      longest = Math.max(longest, performance.now() - from);
      await inner.pause();
      from = performance.now();
    },
    longest: () => Math.max(longest, performance.now() - from),
  };
}

function lanesFilter(lanes: string[]): TimelineFilters {
  return { lanes, kinds: null, search: "" };
}

const CONSOLE_DEFAULT_FILTERS: ConsoleFilters = { directions: { in: true, out: true }, kinds: null, lanes: null, hideSm: true, search: "" };

async function oneRun(figures: Figures, fixture: TimelineFixture, rawFrames: RawFrame[], rate: number): Promise<void> {
  const n = fixture.events.length;
  const k = (x: number) => (x >= 1000 ? `${Math.round(x / 1000)}k` : String(x));
  const label = k(n);

  // Append: burst and streamed through the queue, and past the ring cap.
  const burst = appendBurst(fixture, DEFAULT_CAP);
  figures.add(`append ${label} events, one burst (1 flush)`, "ms", burst.totalMs, {
    note: `${burst.updates} store update, ${fixture.patchCount.toLocaleString("en-US")} patches`,
    target: below(1000, "1000 ms"),
  });
  const streamed = appendStreamed(fixture, DEFAULT_CAP, rate);
  figures.add(`append ${label} events at ${k(rate)}/s (50 ms flushes)`, "ms", streamed.totalMs, {
    note: `${streamed.updates} store updates`,
    target: below(3000, "3000 ms"),
  });
  figures.add(`  longest single store update (streamed)`, "ms", streamed.longestUpdateMs, { target: below(100, "100 ms") });
  const capped = appendStreamed(fixture, Math.floor(n / 2), rate);
  figures.add(`append ${label} at ${k(rate)}/s into a ring of ${k(Math.floor(n / 2))}`, "ms", capped.totalMs, {
    note: `${capped.shown.toLocaleString("en-US")} kept, ${capped.dropped.toLocaleString("en-US")} dropped`,
    target: below(3000, "3000 ms"),
  });
  figures.add(`  longest single store update (ring full)`, "ms", capped.longestUpdateMs, { target: below(100, "100 ms") });

  // Filters and search over the live events.
  const events = streamed.store.getState().events;
  const filterCases: { name: string; filters: TimelineFilters; target: Target }[] = [
    { name: "filter: one lane (sink)", filters: lanesFilter(["sink"]), target: below(100, "100 ms") },
    { name: "filter: one kind (push)", filters: { lanes: null, kinds: ["push"], search: "" }, target: below(100, "100 ms") },
    { name: "filter: 2 lanes × 3 kinds", filters: { lanes: ["res-2", "sink"], kinds: ["push", "message-received", "presence"], search: "" }, target: below(100, "100 ms") },
    { name: "search: common word in XML ('pushsvc')", filters: { lanes: null, kinds: null, search: "pushsvc" }, target: below(1000, "1000 ms") },
    { name: `search: one message id ('${fixture.rareNeedle}')`, filters: { lanes: null, kinds: null, search: fixture.rareNeedle }, target: below(1000, "1000 ms") },
    { name: "search: no match (scans all summaries+XML)", filters: { lanes: null, kinds: null, search: "zz-no-such-text" }, target: below(1000, "1000 ms") },
  ];
  for (const c of filterCases) {
    const { ms, value } = timeSync(() => filterEvents(events, c.filters));
    figures.add(c.name, "ms", ms, { note: `${value.length.toLocaleString("en-US")} shown`, target: c.target });
  }

  // Export and import back. The export is written in slices that yield (a Promise): its wall
  // time, and the longest slice, the main thread's longest task during it in the browser.
  const exported = await timeAsync(() => streamed.store.getState().exportJson());
  if (!exported.value.ok) throw new Error(`export failed: ${exported.value.error}`);
  const text = await exported.value.blob.text();
  const bytes = Buffer.byteLength(text, "utf8");
  figures.add(`export ${label} events to JSON`, "ms", exported.ms, { note: fmtBytes(bytes), target: below(3000, "3000 ms") });
  figures.add("  export size", "bytes", bytes);
  const slices = measuredSlicer();
  await writeTimelineExport({ events, profile: null, lanes: {}, at: new Date() }, slices);
  figures.add("  export: longest slice between yields", "ms", slices.longest(), { target: below(50, "50 ms") });
  const importer = createTimelineStore();
  const imported = await timeAsync(() => importer.getState().importJson(text, "bench.json"));
  if (!imported.value.ok) throw new Error(`import of the exported timeline failed: ${imported.value.error}`);
  if (imported.value.count !== events.length) throw new Error(`import gave ${imported.value.count} events, exported ${events.length}`);
  figures.add(`import ${label} events (parse + validate + sort)`, "ms", imported.ms, { note: `${imported.value.count.toLocaleString("en-US")} events`, target: below(5000, "5000 ms") });

  // Console: classify, append through the queue, filter with SM hidden and shown, search.
  const fl = k(rawFrames.length);
  const classified = timeSync(() => toConsoleFrames(rawFrames, stanzaKind));
  figures.add(`console: classify ${fl} frames (stanzaKind)`, "ms", classified.ms, { target: below(1000, "1000 ms") });
  const frames: ConsoleFrame[] = classified.value;
  const consoleStore = createConsoleStore();
  const { queue: cq, fireTimer } = drivenQueue(createTimelineStore(), consoleStore);
  const cUpdates = countUpdates(consoleStore);
  const perTick = Math.max(1, Math.round((rate * DEFAULT_FLUSH_INTERVAL_MS) / 1000));
  let longest = 0;
  const t0 = performance.now();
  for (let i = 0; i < frames.length; i += perTick) {
    for (let j = i; j < Math.min(frames.length, i + perTick); j++) cq.pushFrame(frames[j]!);
    longest = Math.max(longest, fireTimer());
  }
  cq.flush();
  const cMs = performance.now() - t0;
  cUpdates.stop();
  figures.add(`console: append ${fl} frames at ${k(rate)}/s`, "ms", cMs, { note: `${cUpdates.count} store updates`, target: below(3000, "3000 ms") });
  figures.add("  longest single console update", "ms", longest, { target: below(100, "100 ms") });
  const held = consoleStore.getState().frames;
  const smCount = held.filter((f) => f.kind === "sm").length;
  const hidden = timeSync(() => filterFrames(held, CONSOLE_DEFAULT_FILTERS));
  figures.add("console: default view (SM hidden)", "ms", hidden.ms, {
    note: `${hidden.value.length.toLocaleString("en-US")} shown, ${smCount.toLocaleString("en-US")} SM hidden`,
    target: below(200, "200 ms"),
  });
  const shown = timeSync(() => filterFrames(held, { ...CONSOLE_DEFAULT_FILTERS, hideSm: false }));
  figures.add("console: SM shown (no filter)", "ms", shown.ms, { note: `${shown.value.length.toLocaleString("en-US")} shown`, target: below(200, "200 ms") });
  const searched = timeSync(() => filterFrames(held, { ...CONSOLE_DEFAULT_FILTERS, search: "push-4242\"" }));
  figures.add("console: search raw text (SM hidden)", "ms", searched.ms, { note: `${searched.value.length} shown`, target: below(1000, "1000 ms") });
}

// ---------------------------------------------------------------------------------------------
// memory held by the stores

interface MemoryFigures {
  baselineHeap: number;
  /** Right after the appends (the stores flatten the builders' string ropes as they append). */
  timelineBuiltBytes: number;
  timelineBytes: number;
  consoleBytes: number;
  importedBytes: number;
  afterGc: boolean;
}

function measureMemory(events: number, frames: number): MemoryFigures {
  // Everything is built inside the closures, so what stays reachable afterwards is what the stores hold.
  const keep: unknown[] = [];
  const h0 = sampleHeap();
  keep.push(
    (() => {
      const fixture = buildTimelineFixture(events, 1042);
      return appendStreamed(fixture, DEFAULT_CAP, 10_000).store;
    })(),
  );
  const h1built = sampleHeap();
  // A search reads every summary and XML string; the stores already flattened them on append
  // (stores/flat-strings.ts), so this should change nothing: the two figures check that.
  filterEvents((keep[0] as StoreApi<TimelineState>).getState().events, { lanes: null, kinds: null, search: "zz-no-such-text" });
  const h1 = sampleHeap();
  keep.push(
    (() => {
      const c = createConsoleStore();
      c.getState().appendFrames(toConsoleFrames(buildRawFrames(frames, 1007), stanzaKind));
      return c;
    })(),
  );
  const h2 = sampleHeap();
  keep.push(
    (() => {
      const importer = createTimelineStore();
      // The synchronous parts of export and import (this figure is the heap they leave, not their time).
      const live = (keep[0] as StoreApi<TimelineState>).getState();
      const parsed = parseTimelineDocument(JSON.stringify(buildTimelineDocument(live.events, null)));
      if (!parsed.ok) throw new Error(`import failed: ${parsed.error}`);
      importer.getState().showImported(parsed.document, "memory.json");
      return importer;
    })(),
  );
  const h3 = sampleHeap();
  // Read after the last sample so that the stores stay reachable until then (dead locals may be collected).
  if (keep.length !== 3) throw new Error("memory phase lost a store");
  return {
    baselineHeap: h0.heapUsed,
    timelineBuiltBytes: h1built.heapUsed - h0.heapUsed,
    timelineBytes: h1.heapUsed - h0.heapUsed,
    consoleBytes: h2.heapUsed - h1.heapUsed,
    importedBytes: h3.heapUsed - h2.heapUsed,
    afterGc: h0.afterGc,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const flags = commandLine(TITLE, FLAGS);
  if (typeof flags === "number") return flags;
  const eventCount = intIn("events", flags.events, 100_000, 10, 1_000_000);
  const frameCount = intIn("frames", flags.frames, 100_000, 10, 1_000_000);
  const runs = intIn("runs", flags.runs, 5, 1, 50);
  const rate = intIn("rate", flags.rate, 10_000, 20, 10_000_000);

  console.log(TITLE);
  console.log(machineLine());
  // Memory first, while the heap holds nothing of the timed runs.
  const mem = measureMemory(eventCount, frameCount);
  const built = timeSync(() => ({ fixture: buildTimelineFixture(eventCount), raw: buildRawFrames(frameCount) }));
  const { fixture, raw } = built.value;
  const kinds = new Map<string, number>();
  for (const e of fixture.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const avgXml = fixture.xmlChars / Math.max(1, fixture.events.filter((e: TimelineEvent) => e.xml).length);
  console.log(
    `fixture: ${eventCount.toLocaleString("en-US")} events in ${fmtMs(built.ms)} (${[...kinds].map(([k, v]) => `${k} ${v}`).join(", ")}; ` +
      `XML avg ${Math.round(avgXml)} chars), ${frameCount.toLocaleString("en-US")} frames; ${runs} run(s), median shown\n`,
  );

  const figures = new Figures();
  // One unmeasured warm-up run so that JIT compilation is not billed to the first sample.
  await oneRun(new Figures(), fixture, raw, rate);
  for (let r = 0; r < runs; r++) await oneRun(figures, fixture, raw, rate);

  const heapTarget = below(600 * 1024 * 1024, "600 MiB");
  // Judged on the worse of the two timeline figures (before strings are flattened).
  const storesHeap = Math.max(mem.timelineBytes, mem.timelineBuiltBytes) + mem.consoleBytes;

  const rows: string[][] = [];
  const misses: string[] = [];
  for (const f of figures.list) {
    const m = median(f.samples);
    const lo = Math.min(...f.samples);
    const hi = Math.max(...f.samples);
    const ok = f.target ? meets(m, f.target) : null;
    if (ok === false) misses.push(`${f.name.trim()}: ${fmtFigure(f.unit, m)} (target ${f.target!.text})`);
    rows.push([f.name, fmtFigure(f.unit, m), f.samples.length > 1 ? `${fmtFigure(f.unit, lo)} – ${fmtFigure(f.unit, hi)}` : "", f.note ?? "", f.target?.text ?? "", ok === null ? "" : ok ? "ok" : "MISSED"]);
  }
  const heapOk = meets(storesHeap, heapTarget);
  if (!heapOk) misses.push(`heap held by timeline+console: ${fmtBytes(storesHeap)} (target ${heapTarget.text})`);
  const gcWord = mem.afterGc ? "after GC" : "no GC";
  rows.push([`heap: timeline with ${eventCount.toLocaleString("en-US")} events`, fmtBytes(mem.timelineBytes), "", `${Math.round(mem.timelineBytes / eventCount)} B/event, strings flat, ${gcWord}`, "", ""]);
  rows.push(["  same, before any search/export", fmtBytes(mem.timelineBuiltBytes), "", `${Math.round(mem.timelineBuiltBytes / eventCount)} B/event, right after the appends`, "", ""]);
  rows.push([`heap: console with ${frameCount.toLocaleString("en-US")} frames`, fmtBytes(mem.consoleBytes), "", `${Math.round(mem.consoleBytes / frameCount)} B/frame, ${gcWord}`, "", ""]);
  rows.push(["heap: both stores together (worse case)", fmtBytes(storesHeap), "", gcWord, heapTarget.text, heapOk ? "ok" : "MISSED"]);
  rows.push(["heap: an imported copy of the timeline", fmtBytes(mem.importedBytes), "", gcWord, "", ""]);
  rows.push(["heap before the stores (baseline)", fmtBytes(mem.baselineHeap), "", "modules loaded, nothing built yet", "", ""]);

  console.log(renderTable(["figure", `median (${runs})`, "range", "detail", "target", ""], rows));
  console.log();
  if (misses.length === 0) console.log("All figures within their targets.");
  else console.log(`Targets missed (${misses.length}):\n  ${misses.join("\n  ")}`);

  if (flags.json) {
    const out = {
      bench: "timeline-store",
      at: new Date().toISOString(),
      machine: machineLine(),
      params: { events: eventCount, frames: frameCount, runs, rate },
      figures: figures.list.map((f) => ({ name: f.name.trim(), unit: f.unit, median: median(f.samples), samples: f.samples, note: f.note, target: f.target?.text })),
      memory: mem,
      misses,
    };
    writeFileSync(flags.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`figures written to ${flags.json}`);
  }
  return flags.check && misses.length > 0 ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
