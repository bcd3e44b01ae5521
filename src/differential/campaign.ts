/**
 * A differential campaign: `sequences` generated sequences (deterministic given the seed), each
 * run on both sides at once and compared; every divergence is re-run to tell a reproducible one
 * from a timing accident, and a reproducible one is shrunk by fast-check to a minimal sequence.
 */
import fc from "fast-check";
import { compareTraces } from "./compare";
import type { CompareOptions, Divergence } from "./compare";
import { runSequence } from "./execute";
import type { SequenceTarget } from "./execute";
import { opsOf, sequenceArbitrary, validSequence } from "./ops";
import type { Op, RawSequence } from "./ops";
import type { Trace } from "./trace";

/** Sequences of `arbitrary` with at least two operations that apply (see `validSequence`). */
export function meaningful(arbitrary: fc.Arbitrary<RawSequence>): fc.Arbitrary<RawSequence> {
  return arbitrary.filter((raw) => validSequence(opsOf(raw)).length >= 2);
}

export const meaningfulSequences: fc.Arbitrary<RawSequence> = meaningful(sequenceArbitrary);

/** The `count` sequences of a seed, as generated (raw) and as run (valid). */
export function sequencesOf(seed: number, count: number, arbitrary: fc.Arbitrary<RawSequence> = sequenceArbitrary): { raw: RawSequence; ops: Op[] }[] {
  if (count <= 0) return [];
  return fc.sample(meaningful(arbitrary), { seed, numRuns: count }).map((raw) => ({ raw, ops: validSequence(opsOf(raw)) }));
}

export interface PairRun {
  ops: Op[];
  left: Trace;
  right: Trace;
  divergence: Divergence | null;
}

let runCounter = 0;

function runTag(): string {
  runCounter += 1;
  return `d${runCounter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Runs one sequence on both sides at once. */
export async function runPair(ops: Op[], left: SequenceTarget, right: SequenceTarget, compare: CompareOptions = {}): Promise<PairRun> {
  const tag = runTag();
  // Distinct tags: the two sides may be one server (the reference server against itself).
  const [a, b] = await Promise.all([runSequence(ops, left, `${tag}l`), runSequence(ops, right, `${tag}r`)]);
  return { ops, left: a, right: b, divergence: compareTraces(a, b, compare) };
}

export interface DivergenceReport {
  /** Index of the sequence in the campaign. */
  index: number;
  original: PairRun;
  /** Whether a second run of the same sequence diverged again. */
  reproduced: boolean;
  /** The minimal sequence fast-check found and its run (the original when not reproduced). */
  shrunk: PairRun;
  shrinkRuns: number;
}

export interface CampaignOptions {
  left: SequenceTarget;
  right: SequenceTarget;
  sequences: number;
  seed: number;
  /** Longest time spent shrinking one divergence (ms). */
  shrinkTimeMs: number;
  compare?: CompareOptions;
  /** What to generate (default `sequenceArbitrary`; `--timers`: timer-sequence.ts). */
  arbitrary?: fc.Arbitrary<RawSequence>;
  onSequence?: (index: number, run: PairRun) => void;
  /** Each divergence once it is re-run and shrunk (the report repeats them at the end). */
  onDivergence?: (report: DivergenceReport) => void;
}

/** What the sequences exercised, counted on the real side: a run where nothing is pushed proves little. */
export interface Coverage {
  operations: number;
  /** Sequences in which at least one publish reached the sink. */
  withPush: number;
  publishes: number;
  deliveries: number;
  /** Sequences with a dropped XEP-0198 session (hibernation). */
  withHibernation: number;
  /** Sequences in which a hibernated session was resumed. */
  withResume: number;
  /** Of those, the ones where the server re-sent a message at the resumption. */
  withRedelivery: number;
  /** Sequences with an enable without a node attribute. */
  withNodelessEnable: number;
}

export interface CampaignResult {
  sequences: number;
  agreements: number;
  coverage: Coverage;
  divergences: DivergenceReport[];
  elapsedMs: number;
}

/** Shrinks a divergent sequence: fast-check re-runs smaller ones while they still diverge. */
export async function shrinkDivergence(raw: RawSequence, options: CampaignOptions): Promise<{ run: PairRun | null; runs: number }> {
  let smallest: PairRun | null = null;
  let runs = 0;
  const property = fc.asyncProperty(meaningful(options.arbitrary ?? sequenceArbitrary), async (candidate) => {
    runs += 1;
    const run = await runPair(validSequence(opsOf(candidate)), options.left, options.right, options.compare);
    if (run.divergence && (!smallest || run.ops.length <= smallest.ops.length)) smallest = run;
    return run.divergence === null;
  });
  await fc.check(property, { examples: [[raw]], numRuns: 1, interruptAfterTimeLimit: options.shrinkTimeMs, markInterruptAsFailure: false });
  return { run: smallest, runs };
}

function count(coverage: Coverage, run: PairRun): void {
  const publishes = run.left.steps.reduce((n, s) => n + s.publishes.length, 0);
  coverage.operations += run.ops.length;
  coverage.publishes += publishes;
  coverage.deliveries += run.left.steps.reduce((n, s) => n + s.deliveries.length, 0);
  if (publishes > 0) coverage.withPush += 1;
  if (run.ops.some((o) => o.op === "drop")) coverage.withHibernation += 1;
  if (run.ops.some((o) => o.op === "resume")) coverage.withResume += 1;
  if (run.ops.some((o, i) => o.op === "resume" && (run.left.steps[i]?.deliveries.length ?? 0) > 0)) coverage.withRedelivery += 1;
  if (run.ops.some((o) => o.op === "enable" && o.node === "none")) coverage.withNodelessEnable += 1;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const divergences: DivergenceReport[] = [];
  let agreements = 0;
  const coverage: Coverage = { operations: 0, withPush: 0, publishes: 0, deliveries: 0, withHibernation: 0, withResume: 0, withRedelivery: 0, withNodelessEnable: 0 };
  const list = sequencesOf(options.seed, options.sequences, options.arbitrary);
  for (const [index, { raw, ops }] of list.entries()) {
    const run = await runPair(ops, options.left, options.right, options.compare);
    options.onSequence?.(index, run);
    count(coverage, run);
    if (!run.divergence) {
      agreements += 1;
      continue;
    }
    const again = await runPair(ops, options.left, options.right, options.compare);
    const reproduced = again.divergence !== null;
    const shrunk = reproduced ? await shrinkDivergence(raw, options) : { run: null, runs: 0 };
    const report: DivergenceReport = { index, original: run, reproduced, shrunk: shrunk.run ?? run, shrinkRuns: shrunk.runs };
    divergences.push(report);
    options.onDivergence?.(report);
  }
  return { sequences: list.length, agreements, coverage, divergences, elapsedMs: Date.now() - started };
}
