/**
 * Runs one sequence of operations on one server through the scenario harness and returns its
 * normalised trace. Every step is settled by the harness's round trips (an iq after presence, a
 * ping on every stream after a send); the quiet window of the probe after it only has to catch
 * what a server sends later on purpose (Prosody's 1 s batch for hibernated sessions).
 */
import { PushHarness } from "../scenarios/harness";
import type { PushHarnessOptions, SinkAnswer } from "../scenarios/harness";
import { errorMessage } from "../scenarios/harness/errors";
import type { IqOutcome } from "../scenarios/types";
import { ANSWER_ERRORS, describeOp, hibernatedBefore } from "./ops";
import type { Op } from "./ops";
import { iqLine, stepOf } from "./trace";
import type { Parties, Trace, TraceStep } from "./trace";

export interface SequenceTarget {
  /** `prosody`, `ejabberd`, `prosody.localhost (reference)`… */
  label: string;
  /** Harness options for one run; `tag` is unique per run (fresh resources, and fresh users where the target allows). */
  harnessOptions(tag: string): PushHarnessOptions;
  /** A real server's account is shared between runs: registrations and offline messages are cleaned up after each. */
  shared: boolean;
  /** Quiet window that ends the probe after an operation that may cause something. */
  quietMs: number;
  /** The same once a session hibernates (outlasts Prosody's 1 s batch of pushes for queued stanzas). */
  hibernationQuietMs: number;
  /** How long an `outwait` lasts (`--timers`, timer-sequence.ts OUTWAIT_MS); 0 when not set. */
  outwaitMs?: number;
}

/** Operations whose effects (deliveries, publishes, what a resumption re-sends) a probe waits for; the others are answered by their own iq. */
export function causesTraffic(op: Op): boolean {
  return op.op === "send" || op.op === "presence" || op.op === "disconnect" || op.op === "drop" || op.op === "resume" || op.op === "outwait";
}

/** The body of the message sent at step `index`: deterministic, so both servers' traces can show it. */
export function bodyOf(index: number): string {
  return `m${index}`;
}

function answerOf(op: Extract<Op, { op: "answer" }>): SinkAnswer {
  if (op.answer === "result" || op.answer === "silent") return op.answer;
  return ANSWER_ERRORS[op.answer];
}

/** Queues the harness step(s) of one operation (`outwaitMs`: how long an `outwait` lasts). */
export function queueOp(h: PushHarness, op: Op, index: number, outwaitMs = 0): PushHarness {
  switch (op.op) {
    case "connect":
      return h.connect(op.r, { streamManagement: op.sm });
    case "presence":
      return op.show === "unavailable" ? h.presence(op.r, "unavailable") : h.presence(op.r, op.show, { priority: op.priority });
    case "enable":
      return h.enable(op.r, { node: op.node === "none" ? null : op.node, away: op.away, label: `enable@${index}` });
    case "disable":
      return h.disable(op.r, { node: op.node === "all" ? null : op.node, label: `disable@${index}` });
    case "send":
      return op.body
        ? h.send({ to: op.to, type: op.type, body: bodyOf(index) })
        : h.send({ to: op.to, type: op.type, body: null, chatState: "composing" });
    case "answer":
      return h.sinkAnswers(answerOf(op));
    case "disconnect":
      return h.disconnect(op.r);
    case "drop":
      return h.drop(op.r);
    case "resume":
      return h.resume(op.r);
    case "withhold":
      return h.withholdAcks(op.r);
    case "outwait":
      return h.wait(outwaitMs);
  }
}

/** Runs `ops` (already valid, see `validSequence`) on a fresh harness of `target`. */
export async function runSequence(ops: readonly Op[], target: SequenceTarget, tag: string): Promise<Trace> {
  const options = target.harnessOptions(tag);
  const h = new PushHarness(options);
  const raw: { op: string; failed?: string; iqs: IqOutcome[]; probe: number }[] = [];
  try {
    for (const [index, op] of ops.entries()) {
      const iqsBefore = h.iqs.length;
      let failed: string | undefined;
      try {
        await queueOp(h, op, index, target.outwaitMs ?? 0);
      } catch (error) {
        failed = errorMessage(error);
      }
      const quietMs = !causesTraffic(op) ? 0 : hibernatedBefore(ops, index + 1) ? target.hibernationQuietMs : target.quietMs;
      await h.collect(`step ${index}`, { quietMs, maxMs: Math.max(quietMs, h.waits.pushMs) });
      raw.push({ op: describeOp(op), ...(failed !== undefined ? { failed } : {}), iqs: h.iqs.slice(iqsBefore), probe: h.probes.length - 1 });
    }
  } finally {
    await h.close();
  }
  const parties: Parties = {
    account: h.account,
    domain: h.accountDomain,
    sender: h.senderJid ?? "",
    sink: h.sinkJid,
    resourceSuffix: options.resourceSuffix ?? "",
  };
  if (target.shared) await cleanUp(options, h.sinkJid, tag);
  const steps = raw.map((r): TraceStep => {
    const probe = h.probes[r.probe];
    const step = stepOf(r.op, probe?.publishes ?? [], probe?.deliveries ?? [], parties);
    const iq = r.iqs.find((i) => i.kind === "enable" || i.kind === "disable");
    if (iq) step.iq = iqLine(iq);
    // The harness's error text names JIDs and timings: only the fact of a failure is compared.
    if (r.failed !== undefined) step.failed = "failed";
    return step;
  });
  return { steps };
}

/**
 * A real server's account outlives the run: every registration made for this run's sink is
 * disabled, and a resource with available presence takes the messages left offline, so that the
 * next run starts as a fresh account does.
 */
async function cleanUp(options: PushHarnessOptions, sinkJid: string, tag: string): Promise<void> {
  const h = new PushHarness({ ...options, resourceSuffix: `-${tag}-clean` });
  try {
    await h
      .connect("clean")
      .presence("clean", "available")
      .disable("clean", { jid: sinkJid, node: null, label: "cleanup" })
      .collect("drain", { quietMs: 200, maxMs: h.waits.pushMs })
      .disconnect("clean");
  } catch {
    // The next run's trace shows anything left behind; the cleanup itself is not compared.
  } finally {
    await h.close();
  }
}
