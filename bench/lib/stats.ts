/**
 * Figures for the benchmarks: medians and percentiles, heap samples after a forced GC when the
 * process runs with `--expose-gc`, targets stated as figures, and plain-text tables.
 */
import { availableParallelism, totalmem } from "node:os";
import { performance } from "node:perf_hooks";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Milliseconds spent in `fn` (synchronous). */
export function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether heap figures are taken after a full GC (`node --expose-gc`). */
const GC_AVAILABLE = typeof gc === "function";

export interface HeapSample {
  heapUsed: number;
  rss: number;
  external: number;
  /** Taken right after a forced full GC. */
  afterGc: boolean;
}

export function sampleHeap(): HeapSample {
  if (gc) {
    // Two passes: the first can leave objects that only become unreachable after finalizers ran.
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers, afterGc: GC_AVAILABLE };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "n/a";
  const sign = bytes < 0 ? "-" : "";
  const b = Math.abs(bytes);
  if (b < 1024) return `${sign}${Math.round(b)} B`;
  if (b < 1024 * 1024) return `${sign}${(b / 1024).toFixed(1)} KiB`;
  return `${sign}${(b / 1024 / 1024).toFixed(1)} MiB`;
}

export function fmtCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a";
}

/** A stated target: the figure must stay below (or above) `limit`. */
export interface Target {
  limit: number;
  direction: "below" | "above";
  /** How the limit reads in the table, e.g. "< 1000 ms". */
  text: string;
}

export const below = (limit: number, text: string): Target => ({ limit, direction: "below", text: `< ${text}` });
export const above = (limit: number, text: string): Target => ({ limit, direction: "above", text: `> ${text}` });

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return target.direction === "below" ? value < target.limit : value > target.limit;
}

/** Left-aligned first column, the rest right-aligned; `|`-separated so it pastes into Markdown. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), sep, ...rows.map(line)].join("\n");
}

export function machineLine(): string {
  const heap = GC_AVAILABLE ? "after a forced GC" : "without GC (run with node --expose-gc --import tsx for GC'd figures)";
  return `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, ${fmtBytes(totalmem())} RAM; heap figures ${heap}`;
}

/** Ends the process with exit code 3 if it is still running after `ms` (the timer does not keep it alive). */
export function hardStop(ms: number): void {
  setTimeout(() => {
    console.error(`hard deadline of ${Math.round(ms / 1000)} s reached: exiting`);
    process.exit(3);
  }, ms).unref();
}

/** One figure of a benchmark table: its samples over the runs, the median is printed. */
export interface Figure {
  name: string;
  unit: "ms" | "us" | "bytes" | "count";
  samples: number[];
  /** Extra words for the table (counts that do not vary, e.g. "200 updates"). */
  note?: string;
  target?: Target;
}

/** The figures of a benchmark run, in the order first added; a later sample's note replaces the first. */
export class Figures {
  readonly list: Figure[] = [];
  add(name: string, unit: Figure["unit"], value: number, extra: { note?: string; target?: Target } = {}): void {
    let f = this.list.find((x) => x.name === name);
    if (!f) {
      f = { name, unit, samples: [], ...extra };
      this.list.push(f);
    } else if (extra.note !== undefined) {
      f.note = extra.note;
    }
    f.samples.push(value);
  }
}

/** A value in the figure's unit. */
export function fmtFigure(unit: Figure["unit"], v: number): string {
  if (unit === "us") return `${v.toFixed(1)} µs`;
  return unit === "ms" ? fmtMs(v) : unit === "bytes" ? fmtBytes(v) : fmtCount(v);
}
