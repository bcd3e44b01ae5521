/**
 * Runs the fuzzer: an in-process reference server, healthy sessions exchanging messages and pushes
 * throughout, and fast-check feeding batches of generated cases (run concurrently) through the
 * oracle. Counts outcomes by kind, crashes, hangs, wrong answers, losses and peak RSS.
 */
import fc from "fast-check";
import { startTcpTestServer } from "../tcp/test-support/tcp-server";
import { fuzzCase, tcpFuzzCase } from "./cases";
import { describeCase, type FuzzCase } from "./fuzz-case";
import { HealthySessions, type HealthyReport } from "./healthy";
import { judge, observe, outcomeLabel, PROBE_PASSWORD, PROBE_USER, type Outcome } from "./oracle";
import { BoundStreamPool } from "./pool";
import { transportFor, type FuzzTransport, type TransportName } from "./transport";

export interface FuzzOptions {
  inputs: number;
  seed: number;
  transport?: TransportName;
  /** Cases in flight at once. */
  concurrency?: number;
  /** Cases in one fast-check run (default: 8 × concurrency), so the slowest case of a batch idles few slots. */
  batch?: number;
  /** Time the server has to answer one case (and its probe). */
  deadlineMs?: number;
  /** Stop starting new batches after this many ms (the report counts what ran). */
  timeLimitMs?: number;
  /** Cases one bound stream carries before it is closed (1: a fresh stream per case). */
  reuse?: number;
  /** Let fast-check shrink the first batch with a violation (slow; for a minimal reproduction). */
  shrink?: boolean;
  onProgress?: (done: number, report: FuzzReport) => void;
}

export interface Violation {
  kind: "crash" | "hang" | "wrong";
  detail: string;
  input: string;
}

export interface FuzzReport {
  inputs: number;
  seconds: number;
  crashes: number;
  hangs: number;
  wrong: number;
  /** Outcome label (`stream-error:not-well-formed`, `stanza-error:…`, `sasl-failure:…`, `accept`) → count. */
  outcomes: Record<string, number>;
  /** Generator family → count. */
  kinds: Record<string, number>;
  violations: Violation[];
  healthy: HealthyReport;
  peakRssBytes: number;
  /** Sockets still open on the server once every fuzz connection is done (should be 0). */
  leakedConnections: number;
  /** TCP: STARTTLS handshakes the fuzzer made and how many resumed a session (null over WebSocket). */
  tls: { handshakes: number; resumed: number } | null;
  /** fast-check's counterexample when `shrink` found one. */
  counterexample: string | null;
}

const MAX_KEPT_VIOLATIONS = 20;
const BATCH_PER_SLOT = 8;
const HEALTHY_CONNECTIONS = 3;

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { inputs, seed, concurrency = 32, deadlineMs = 10_000, shrink = false, reuse = 20 } = options;
  const batchSize = Math.max(concurrency, options.batch ?? BATCH_PER_SLOT * concurrency);
  const transportName = options.transport ?? "ws";
  const ts = await startTcpTestServer({ handshakeTimeoutMs: 30_000 });
  const report: FuzzReport = emptyReport();
  const stopSampling = sampleRss(report);
  const onCrash = (err: unknown): void => {
    record(report, { kind: "crash", detail: `uncaught: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, input: "(process)" });
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  const started = Date.now();
  let healthy: HealthySessions | null = null;
  const transport = transportFor(transportName, ts.url, { port: ts.c2sPort, ca: ts.ca, setupTimeoutMs: deadlineMs });
  const cases = transportName === "tcp" ? tcpFuzzCase : fuzzCase;
  const pool = new BoundStreamPool(transport, reuse);
  try {
    await ts.server.accounts.register("localhost", PROBE_USER, PROBE_PASSWORD);
    healthy = await HealthySessions.start(ts.url, deadlineMs);
    healthy.runInBackground(100);
    let sequence = 0;
    let counting = true;
    const runOne = async (c: FuzzCase): Promise<boolean> => {
      const n = ++sequence;
      const outcome = await runCase(transport, pool, c, n, deadlineMs);
      const verdict = "crash" in outcome ? outcome.crash : judge(outcome.outcome, c);
      if (counting) {
        report.inputs++;
        report.kinds[c.kind] = (report.kinds[c.kind] ?? 0) + 1;
        if (!("crash" in outcome)) bump(report.outcomes, outcomeLabel(outcome.outcome));
        if (verdict) record(report, { kind: "crash" in outcome ? "crash" : outcome.outcome.kind === "hang" ? "hang" : "wrong", detail: verdict, input: describeCase(c) });
      }
      return verdict === null;
    };
    const numRuns = Math.ceil(inputs / batchSize);
    let batchNo = 0;
    const stopAt = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
    const property = fc.asyncProperty(fc.array(cases, { minLength: batchSize, maxLength: batchSize }), async (batch) => {
      if (Date.now() >= stopAt) return true;
      const size = counting ? Math.min(batchSize, inputs - batchNo * batchSize) : batch.length;
      batchNo++;
      const ok = await mapConcurrently(batch.slice(0, Math.max(0, size)), concurrency, runOne);
      report.seconds = (Date.now() - started) / 1000;
      options.onProgress?.(report.inputs, report);
      const passed = ok.every(Boolean);
      // While shrinking, fast-check re-runs smaller batches: those are not new inputs.
      if (!passed && shrink) counting = false;
      return passed || !shrink;
    });
    // fast-check's own time limit abandons the batch in flight (its sockets would count as leaked):
    // batches stop starting at stopAt, and fast-check ends the (by then empty) runs well after.
    const interruptAfterTimeLimit = options.timeLimitMs === undefined ? undefined : options.timeLimitMs + 3 * deadlineMs + 5_000;
    const details = await fc.check(property, { seed, numRuns, endOnFailure: !shrink, interruptAfterTimeLimit });
    report.counterexample = details.failed && details.counterexample ? details.counterexample[0].map((c) => describeCase(c)).join("\n") : null;
    pool.closeAll();
    report.healthy = await healthy.stop();
    healthy = null;
    report.leakedConnections = await settledConnectionCount(ts.server);
    report.tls = transport.tlsStats?.() ?? null;
  } finally {
    pool.closeAll();
    if (healthy) await healthy.stop();
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
    stopSampling();
    await ts.close();
  }
  return report;
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

type CaseResult = { outcome: Outcome } | { crash: string };

const crashOf = (phase: string, err: unknown): CaseResult => ({
  crash: `the server did not serve a fresh ${phase} connection: ${err instanceof Error ? err.message : String(err)}`,
});

async function runCase(transport: FuzzTransport, pool: BoundStreamPool, c: FuzzCase, n: number, deadlineMs: number): Promise<CaseResult> {
  if (c.phase === "bound") {
    let stream;
    try {
      stream = await pool.take();
    } catch (err) {
      return crashOf(c.phase, err);
    }
    let outcome: Outcome | null = null;
    try {
      outcome = await observe(stream.conn, c, stream.jid, deadlineMs);
      return { outcome };
    } finally {
      pool.give(stream, outcome?.kind === "accept" || outcome?.kind === "stanza-error");
    }
  }
  let conn;
  try {
    conn = await transport.connect(c.phase, { username: PROBE_USER, resource: `r${n}` });
  } catch (err) {
    return crashOf(c.phase, err);
  }
  try {
    return { outcome: await observe(conn, c, { full: `${PROBE_USER}@localhost/r${n}`, bare: `${PROBE_USER}@localhost` }, deadlineMs) };
  } finally {
    conn.close();
  }
}

/** Waits (briefly) for closed fuzz sockets to be gone, then counts what is left beyond the healthy ones. */
async function settledConnectionCount(server: { connectionCount: number }): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (server.connectionCount > HEALTHY_CONNECTIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return Math.max(0, server.connectionCount - HEALTHY_CONNECTIONS);
}

function sampleRss(report: FuzzReport): () => void {
  const sample = (): void => {
    report.peakRssBytes = Math.max(report.peakRssBytes, process.memoryUsage.rss());
  };
  sample();
  const timer = setInterval(sample, 100);
  return () => {
    sample();
    clearInterval(timer);
  };
}

function record(report: FuzzReport, v: Violation): void {
  if (v.kind === "crash") report.crashes++;
  else if (v.kind === "hang") report.hangs++;
  else report.wrong++;
  if (report.violations.length < MAX_KEPT_VIOLATIONS) report.violations.push(v);
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function emptyReport(): FuzzReport {
  return {
    inputs: 0,
    seconds: 0,
    crashes: 0,
    hangs: 0,
    wrong: 0,
    outcomes: {},
    kinds: {},
    violations: [],
    healthy: { rounds: 0, losses: 0, firstLoss: null },
    peakRssBytes: 0,
    leakedConnections: 0,
    tls: null,
    counterexample: null,
  };
}

/** Whether the run shows the properties hold (the CLI's exit code, the test's assertion). */
export function passed(r: FuzzReport): boolean {
  return r.crashes === 0 && r.hangs === 0 && r.wrong === 0 && r.healthy.losses === 0 && r.leakedConnections === 0;
}
