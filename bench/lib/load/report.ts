/** Tables for load results: one column per server, one row per figure; and the reference targets. */
import { above, below, fmtBytes, fmtMs, meets, renderTable, type Target } from "../stats";
import type { LoadResult, PhaseFigures } from "./run-load";
import type { ServerMemory } from "./targets";

function mem(m: ServerMemory | null | undefined): string {
  if (!m) return "n/a";
  return m.heapUsed !== undefined ? `RSS ${fmtBytes(m.rss)}, heap ${fmtBytes(m.heapUsed)}` : `RSS ${fmtBytes(m.rss)}`;
}

function delta(a: ServerMemory | null | undefined, b: ServerMemory | null | undefined, per = 1): string {
  if (!a || !b || per <= 0) return "n/a";
  const rss = `RSS ${fmtBytes((b.rss - a.rss) / per)}`;
  return a.heapUsed !== undefined && b.heapUsed !== undefined ? `${rss}, heap ${fmtBytes((b.heapUsed - a.heapUsed) / per)}` : rss;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function rate(n: number, unit: string): string {
  return Number.isFinite(n) ? `${n.toFixed(n >= 100 ? 0 : 1)} ${unit}` : "n/a";
}

/** A column that only says why a server could not be measured. */
export interface Unavailable {
  target: string;
  reason: string;
}

export type Column = LoadResult | Unavailable;

function isResult(c: Column): c is LoadResult {
  return "params" in c;
}

type Row = [string, (r: LoadResult) => string];

const lat = (f: PhaseFigures | null, k: "p50" | "p95" | "p99" | "max") => fmtMs(f?.latency?.[k] ?? Number.NaN);
const latLine = (f: PhaseFigures | null) =>
  f?.latency ? `${lat(f, "p50")} / ${lat(f, "p95")} / ${lat(f, "p99")} / ${lat(f, "max")}` : "n/a";
const counts = (f: PhaseFigures | null) =>
  f
    ? `${f.pushed} of ${f.sent}${f.missing ? (f.stopped ? ` (${f.missing} still waiting when stopped)` : ` (${f.missing} MISSING)`) : ""}, matched by ${f.matching === "order" ? "order (no body in push)" : f.matching}`
    : "not run";

const duplicates = (r: LoadResult) => {
  const d = r.deliveries;
  if (!d.duplicates) return "";
  return ` (+${d.duplicates} duplicates: ${Object.entries(d.duplicatesByPhase).map(([k, v]) => `${k} ${v}`).join(", ")})`;
};

const ROWS: Row[] = [
  ["server", (r) => r.product],
  ["WebSocket", (r) => r.service],
  ["sessions", (r) => `a1 enables+leaves, ${r.params.resources - 1} away, sender, sink; xmpp.js ${r.params.client}; PLAIN`],
  ["XEP-0198 stream management", (r) => (r.smEnabled ? "on" : r.params.sm ? "off (not offered)" : "off (--sm=false)")],
  ["enable / disable", (r) => `${r.enable} / ${r.disable}`],
  ["one at a time: pushes", (r) => counts(r.single)],
  ["one at a time: latency p50/p95/p99/max", (r) => latLine(r.single)],
  ["load: pushes", (r) => (r.load ? `${counts(r.load)}; warm-up ${r.params.warmup}` : "not run")],
  ["load: window / rate limit", (r) => `${r.params.window} waiting at most${r.params.rate ? `, ≤ ${r.params.rate}/s` : ", no rate limit"}`],
  ["load: throughput (pushes/s)", (r) => rate(r.load?.pushesPerSecond ?? Number.NaN, "/s")],
  ["load: send rate (messages/s)", (r) => rate(r.load?.sendsPerSecond ?? Number.NaN, "/s")],
  ["load: latency p50/p95/p99/max", (r) => latLine(r.load)],
  ["load: deliveries to away resources", (r) => `${r.deliveries.received} / ${r.deliveries.expected}${duplicates(r)}`],
  ["pushes for other nodes (ignored)", (r) => String(r.stray)],
  ["message archive before → after", (r) => (r.archive.before === r.archive.after ? r.archive.before : `${r.archive.before} → ${r.archive.after}`)],
  ["server memory before", (r) => mem(r.memory.before)],
  ["server memory, load sessions open", (r) => mem(r.memory.loaded)],
  ["server memory, load sessions closed", (r) => mem(r.memory.afterClose)],
  ["idle sessions opened", (r) => (r.idle ? `${r.idle.opened} of ${r.idle.requested}${r.idle.failed ? `, ${r.idle.failed} failed` : ""}${r.idle.capNote ? ` (${r.idle.capNote})` : ""}` : "skipped")],
  ["idle sessions: login+bind time", (r) => (r.idle ? `${fmtMs(r.idle.openMs)} (${rate((r.idle.opened * 1000) / r.idle.openMs, "/s")})` : "n/a")],
  ["server memory, idle sessions open", (r) => mem(r.idle?.after)],
  ["memory per idle session", (r) => (r.idle ? delta(r.idle.before, r.idle.after, r.idle.opened) : "n/a")],
  ["memory kept after closing them", (r) => (r.idle ? delta(r.idle.before, r.idle.afterClose) : "n/a")],
  ["memory measured as", (r) => r.memory.before?.source.replace(/pid \d+/, "pid") ?? "n/a (not readable)"],
  ["stopped early", (r) => r.aborted ?? "no"],
  ["client errors", (r) => (r.errors.length ? `${r.errors.length}: ${r.errors.slice(0, 2).map((e) => cut(e, 110)).join(" | ")}` : "none")],
];

export function loadTable(columns: readonly Column[]): string {
  const header = ["figure", ...columns.map((c) => c.target)];
  const rows = ROWS.map(([name, get]) => [name, ...columns.map((c) => (isResult(c) ? get(c) : name === "server" ? `not measured: ${c.reason}` : "—"))]);
  return renderTable(header, rows);
}

export interface TargetCheck {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

/**
 * Generous targets for the reference server (a 2-core shared machine passes them with a wide
 * margin); real servers are measured for comparison, not judged.
 */
export function referenceTargets(r: LoadResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (name: string, value: number, shown: string, target: Target) => checks.push({ name, value: shown, target: target.text, ok: meets(value, target) });
  checks.push({ name: "run completed", value: r.aborted ?? "yes", target: "no early stop", ok: !r.aborted });
  const f = r.load;
  add("load pushes missing", f?.missing ?? Number.NaN, String(f?.missing ?? "n/a"), below(1, "1"));
  add("load throughput", f?.pushesPerSecond ?? Number.NaN, rate(f?.pushesPerSecond ?? Number.NaN, "pushes/s"), above(100, "100 pushes/s"));
  add("load latency p99", f?.latency?.p99 ?? Number.NaN, fmtMs(f?.latency?.p99 ?? Number.NaN), below(1000, "1000 ms"));
  const s1 = r.single;
  if (s1) add("one-at-a-time latency p99", s1.latency?.p99 ?? Number.NaN, fmtMs(s1.latency?.p99 ?? Number.NaN), below(100, "100 ms"));
  // Only when the server has its heap to itself (not with --reference-process same).
  if (r.idle && r.idle.opened > 0 && r.idle.before?.isolated && r.idle.before.heapUsed !== undefined && r.idle.after?.heapUsed !== undefined) {
    const perSession = (r.idle.after.heapUsed - r.idle.before.heapUsed) / r.idle.opened;
    add("heap per idle session", perSession, fmtBytes(perSession), below(256 * 1024, "256 KiB"));
  }
  return checks;
}

export function checksTable(checks: readonly TargetCheck[]): string {
  return renderTable(["target (reference server)", "measured", "target", ""], checks.map((c) => [c.name, c.value, c.target, c.ok ? "ok" : "MISSED"]));
}
