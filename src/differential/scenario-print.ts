/**
 * A shrunk divergent sequence as a ready-to-paste catalogue scenario (src/scenarios/catalogue/*):
 * the same harness chain the differential runner drove, a probe after each operation that may
 * cause traffic, and the real server's observation as the expectation of its policy.
 */
import type { RealServerName } from "../real-servers/realServers";
import type { ProbeExpectation } from "../scenarios/expectations";
import { ANSWER_ERRORS, describeOp, hibernatedBefore } from "./ops";
import type { Op } from "./ops";
import { bodyOf, causesTraffic } from "./execute";
import { OUTWAIT_MS } from "./timer-sequence";
import type { Trace } from "./trace";

const q = (s: string) => JSON.stringify(s);

/** One harness call of the chain, as source text (`outwaitMs`: the server's OUTWAIT_MS). */
export function chainCall(op: Op, index: number, outwaitMs = 0): string {
  switch (op.op) {
    case "connect":
      return op.sm ? `.connect(${q(op.r)}, { streamManagement: true })` : `.connect(${q(op.r)})`;
    case "presence":
      return op.show === "unavailable" ? `.presence(${q(op.r)}, "unavailable")` : `.presence(${q(op.r)}, ${q(op.show)}, { priority: ${op.priority} })`;
    case "enable":
      return `.enable(${q(op.r)}, { node: ${op.node === "none" ? "null" : q(op.node)}${op.away ? ", away: true" : ""}, label: ${q(`enable@${index}`)} })`;
    case "disable":
      return `.disable(${q(op.r)}, { node: ${op.node === "all" ? "null" : q(op.node)}, label: ${q(`disable@${index}`)} })`;
    case "send":
      return op.body
        ? `.send({ to: ${q(op.to)}, type: ${q(op.type)}, body: ${q(bodyOf(index))} })`
        : `.send({ to: ${q(op.to)}, type: ${q(op.type)}, body: null, chatState: "composing" })`;
    case "answer":
      if (op.answer === "result" || op.answer === "silent") return `.sinkAnswers(${q(op.answer)})`;
      return `.sinkAnswers({ type: ${q(ANSWER_ERRORS[op.answer].type)}, condition: ${q(ANSWER_ERRORS[op.answer].condition)} })`;
    case "disconnect":
      return `.disconnect(${q(op.r)})`;
    case "drop":
      return `.drop(${q(op.r)})`;
    case "resume":
      return `.resume(${q(op.r)})`;
    case "withhold":
      return `.withholdAcks(${q(op.r)})`;
    case "outwait":
      return `.wait(${outwaitMs})`;
  }
}

/** Probe label per operation index: the probe that files what that operation caused. */
function probeIndexes(ops: readonly Op[]): number[] {
  const probes: number[] = [];
  let pending = -1;
  ops.forEach((op, i) => {
    if (causesTraffic(op) || i === ops.length - 1) {
      probes.push(i);
      pending = -1;
    } else if (pending < 0) pending = i;
  });
  return probes;
}

/** The expectation of `policy` from a trace: iq outcomes by label, per probe the pushed nodes and the resources that got a body. */
export function expectationFromTrace(ops: readonly Op[], trace: Trace): { iqs: Record<string, string | { error: string }>; probes: Record<string, ProbeExpectation> } {
  const iqs: Record<string, string | { error: string }> = {};
  const probes: Record<string, ProbeExpectation> = {};
  const ends = probeIndexes(ops);
  let from = 0;
  ops.forEach((op, i) => {
    const step = trace.steps[i];
    if (step?.iq !== undefined && (op.op === "enable" || op.op === "disable")) {
      const label = `${op.op}@${i}`;
      iqs[label] = step.iq.startsWith("error ") ? { error: step.iq.slice("error ".length) } : step.iq;
    }
    if (!ends.includes(i)) return;
    const covered = trace.steps.slice(from, i + 1);
    from = i + 1;
    // `N1 message count=…` or `(no node) message count=…` (trace.ts publishLine): the node is what precedes the kind.
    const push = covered.flatMap((s) => s.publishes.flatMap((p) => (p.includes(" message ") ? [p.slice(0, p.indexOf(" message "))] : [])));
    const delivered = [...new Set(covered.flatMap((s) => s.deliveries.filter((d) => !d.includes("body=-") && /^A\d /.test(d)).map((d) => d.split(" ")[0] ?? "?")))];
    probes[`step ${i}`] = { push: push.sort(), delivered: delivered.sort() };
  });
  return { iqs, probes };
}

export interface PrintScenarioInput {
  id: string;
  server: RealServerName;
  seed: number;
  ops: readonly Op[];
  /** The real server's trace (it becomes the expectation of its policy). */
  real: Trace;
  /** What the emulation did instead, for the scenario's text. */
  divergence: string;
  quietMs: number;
  hibernationQuietMs: number;
}

/** The scenario as TypeScript source for src/scenarios/catalogue/*.ts (inside a `Scenario[]`). */
export function printScenario(input: PrintScenarioInput): string {
  const { ops, server } = input;
  const expected = expectationFromTrace(ops, input.real);
  const ends = probeIndexes(ops);
  const chain = ops.flatMap((op, i) => {
    const call = [`      ${chainCall(op, i, OUTWAIT_MS[server])}`];
    if (ends.includes(i)) {
      const quiet = hibernatedBefore(ops, i + 1) ? input.hibernationQuietMs : input.quietMs;
      call.push(`      .collect(${q(`step ${i}`)}, { quietMs: ${quiet} })`);
    }
    return call;
  });
  const needsSm = ops.some((o) => o.op === "connect" && o.sm);
  const observed = JSON.stringify({ iqs: expected.iqs, probes: expected.probes }, null, 2).replace(/\n/g, "\n        ");
  const record = `{ record: ${q(`found by npm run differential against ${server}; not judged for this policy`)} }`;
  const others = (["spec", "tigase", "prosody", "ejabberd"] as const).filter((p) => p !== server).map((p) => `        ${p}: ${record},`);
  return [
    "  scenario(",
    "    {",
    `      id: ${q(input.id)},`,
    `      name: ${q(`Differential (${server}, seed ${input.seed}): ${ops.length} operations`)},`,
    '      level: "INFO",',
    ...(needsSm ? ["      needsStreamManagement: true,"] : []),
    `      setup: ${q(ops.slice(0, -1).map(describeOp).join("; ") || "nothing")},`,
    `      action: ${q(describeOp(ops[ops.length - 1] ?? { op: "answer", answer: "result" }))},`,
    `      expectation: ${q(`as ${server} observed; the emulation differed: ${input.divergence}`)},`,
    `      backing: ${q(`npm run differential -- --target ${server} --seed ${input.seed}`)},`,
    "      expected: {",
    `        ${server}: ${observed},`,
    ...others,
    "      },",
    "    },",
    "    (h) =>",
    "      h",
    ...chain,
    "  ),",
  ].join("\n");
}
