/** Comparing two normalised traces of one sequence, and showing a divergence side by side. */
import type { Trace, TraceStep } from "./trace";

export interface Divergence {
  /** Index of the first step whose observations differ. */
  step: number;
  /** What differs there: `iq`, `publishes`, `deliveries`, `failed`. */
  aspects: string[];
  left: TraceStep | null;
  right: TraceStep | null;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface CompareOptions {
  /**
   * Leave out the pushes a server makes at the moment a dropped session hibernates (not those for
   * messages queued to it later): whether it has unacknowledged stanzas then depends on when the
   * server last asked for an ack (README "Differential runs").
   */
  ignoreHibernationPushes?: boolean;
  /**
   * Compare the pushes of a step as a set: Prosody pushes one message twice to a registration no
   * bound session holds when the account has a session (its offline hook, then its MAM hook on a
   * copy of the stanza), which the emulation does not model (README "Differential runs").
   */
  collapseRepeatedPushes?: boolean;
}

const isDrop = (step: TraceStep) => step.op.includes(" drop socket");

function differingAspects(a: TraceStep, b: TraceStep, options: CompareOptions): string[] {
  const aspects: string[] = [];
  if (a.op !== b.op) aspects.push("op");
  if (a.iq !== b.iq) aspects.push("iq");
  const skipPublishes = options.ignoreHibernationPushes === true && isDrop(a) && isDrop(b);
  const pushes = (step: TraceStep) => (options.collapseRepeatedPushes ? [...new Set(step.publishes)] : step.publishes);
  if (!skipPublishes && !same(pushes(a), pushes(b))) aspects.push("publishes");
  if (!same(a.deliveries, b.deliveries)) aspects.push("deliveries");
  if (a.failed !== b.failed) aspects.push("failed");
  return aspects;
}

/** The first step where the traces differ, or null when they agree everywhere. */
export function compareTraces(left: Trace, right: Trace, options: CompareOptions = {}): Divergence | null {
  const length = Math.max(left.steps.length, right.steps.length);
  for (let i = 0; i < length; i++) {
    const a = left.steps[i];
    const b = right.steps[i];
    if (!a || !b) return { step: i, aspects: ["length"], left: a ?? null, right: b ?? null };
    const aspects = differingAspects(a, b, options);
    if (aspects.length > 0) return { step: i, aspects, left: a, right: b };
  }
  return null;
}

function stepLines(step: TraceStep | null): string[] {
  if (!step) return ["(no such step)"];
  const lines = [`iq: ${step.iq ?? "-"}${step.failed ? " (step failed)" : ""}`];
  lines.push(...(step.publishes.length > 0 ? step.publishes.map((p) => `push ${p}`) : ["no push"]));
  lines.push(...(step.deliveries.length > 0 ? step.deliveries.map((d) => `deliver ${d}`) : ["no delivery"]));
  return lines;
}

/** Both traces as two columns, step by step, the divergent step marked `>>`. */
export function sideBySide(left: Trace, right: Trace, titles: [string, string], divergence: Divergence | null): string {
  const rows: [string, string, string][] = [];
  const length = Math.max(left.steps.length, right.steps.length);
  for (let i = 0; i < length; i++) {
    const a = left.steps[i] ?? null;
    const b = right.steps[i] ?? null;
    const mark = divergence?.step === i ? ">>" : "  ";
    rows.push([mark, `${i}. ${a?.op ?? b?.op ?? ""}`, ""]);
    const la = stepLines(a);
    const lb = stepLines(b);
    for (let j = 0; j < Math.max(la.length, lb.length); j++) rows.push([mark, `     ${la[j] ?? ""}`, lb[j] ?? ""]);
  }
  const width = Math.max(titles[0].length + 5, ...rows.map((r) => r[1].length)) + 2;
  const header = `   ${`     ${titles[0]}`.padEnd(width)}${titles[1]}`;
  return [header, ...rows.map(([mark, l, r]) => `${mark} ${l.padEnd(width)}${r}`.trimEnd())].join("\n");
}
