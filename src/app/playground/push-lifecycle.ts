/**
 * The lifecycle of one message's pushes, one line per registration, the way push consoles show a
 * notification's states (issue 9): message routed → decision → publish sent → App Server answer →
 * registration kept / error counted / removed → (when the sink simulates it) the push provider's
 * outcome. A push that never left stops at the step where it stopped. Pure: the explanations service gathers the facts (the reference server's record, or
 * what the sink observed with the policy's predicted reaction on a real server).
 */
import { POLICIES } from "../../protocol/policy";
import { regLabel } from "../../protocol/policy/common";
import type {
  AppServerOutcome,
  AppServerReaction,
  Delivery,
  PolicyName,
  RegistrationKey,
  RegistrationSnapshot,
  RegistrationVerdict,
} from "../../protocol/policy/types";
import type { ProviderOutcome } from "../app-server/types";

export type LifecycleStage = "routed" | "decision" | "publish" | "answer" | "registration" | "provider";
/** done: happened; stopped: the push ends here; pending: not known yet; predicted: what the policy would do. */
export type StepStatus = "done" | "stopped" | "pending" | "predicted";

export interface LifecycleStep {
  stage: LifecycleStage;
  status: StepStatus;
  /** Plain text, never HTML. */
  text: string;
}

export interface RegistrationLifecycle {
  key: RegistrationKey;
  label: string;
  steps: LifecycleStep[];
  /** The stage the push stopped at, or null when it went all the way (or is still under way). */
  stoppedAt: LifecycleStage | null;
}

export interface PushLifecycle {
  routed: LifecycleStep;
  registrations: RegistrationLifecycle[];
}

/** A publish the server recorded (reference server) or the sink received (any server). */
export interface PublishFact {
  key: RegistrationKey;
  iqId: string;
  /** How long it waited after its decision (Prosody's batch timer). */
  delayedMs?: number;
}

export interface AnswerFact {
  iqId: string;
  outcome: AppServerOutcome;
  /** What the server did with the registration; absent on a real server (then predicted). */
  reaction?: AppServerReaction;
  /** What the push provider did with an accepted push, when the sink simulates it (issue 10). */
  provider?: ProviderOutcome | null;
}

const PROVIDER_TEXT: Record<ProviderOutcome, string> = {
  delivered: "provider: delivered to the device",
  "token-expired": "provider: token expired (the device is gone; the App Server will refuse this token)",
  dropped: "provider: dropped (never reaches the device)",
};

function providerStep(provider: ProviderOutcome): LifecycleStep {
  return { stage: "provider", status: provider === "delivered" ? "done" : "stopped", text: PROVIDER_TEXT[provider] };
}

export interface LifecycleInput {
  source: "decision-record" | "prediction";
  policy: PolicyName;
  delivery: Delivery;
  verdicts: readonly RegistrationVerdict[];
  /** The registrations the decision was made on (for the predicted reaction). */
  registrations: readonly RegistrationSnapshot[];
  publishes: readonly PublishFact[];
  answers: readonly AnswerFact[];
  /**
   * Whether no more publishes are expected: the expectation window closed (real server), or the
   * record was read after the decision and holds no pending batch (reference server).
   */
  settled: boolean;
}

/** A verdict's sentence without its own "pushed:" / "not pushed:" lead, which the step says already. */
const reason = (why: string) => why.replace(/^(not )?pushed( after [^:]*)?: /, "");

const sameKey = (a: RegistrationKey, b: RegistrationKey) => a.jid === b.jid && a.node === b.node;

function routedStep(delivery: Delivery): LifecycleStep {
  if (delivery.bounce) return { stage: "routed", status: "done", text: `bounced with ${delivery.bounce.type}/${delivery.bounce.condition}` };
  if (delivery.storedOffline) return { stage: "routed", status: "done", text: "stored offline (no receiving session)" };
  if (delivery.deliveredTo.length > 0) return { stage: "routed", status: "done", text: `delivered to ${delivery.deliveredTo.join(", ")}` };
  return { stage: "routed", status: "done", text: "not delivered to any session" };
}

export function answerText(outcome: AppServerOutcome): string {
  if (outcome.kind === "result") return "result";
  if (outcome.kind === "timeout") return "no reply by the timeout";
  return `error type=${outcome.type} ${outcome.condition}`;
}

function reactionStep(reaction: AppServerReaction, outcome: AppServerOutcome, predicted: boolean): LifecycleStep {
  const status: StepStatus = predicted ? "predicted" : reaction.action === "remove" ? "stopped" : "done";
  const prefix = predicted ? "predicted: " : "";
  if (reaction.action === "remove") return { stage: "registration", status, text: `${prefix}registration removed: ${reaction.why}` };
  if (outcome.kind === "error" && reaction.errorCount > 0) return { stage: "registration", status, text: `${prefix}error counted (${reaction.errorCount}): ${reaction.why}` };
  return { stage: "registration", status, text: `${prefix}registration kept: ${reaction.why}` };
}

function afterPublish(input: LifecycleInput, verdict: RegistrationVerdict, publish: PublishFact): LifecycleStep[] {
  const answer = input.answers.find((a) => a.iqId === publish.iqId);
  if (!answer) return [{ stage: "answer", status: "pending", text: "waiting for the App Server's answer" }];
  const steps: LifecycleStep[] = [{ stage: "answer", status: answer.outcome.kind === "result" ? "done" : "stopped", text: answerText(answer.outcome) }];
  if (answer.reaction) steps.push(reactionStep(answer.reaction, answer.outcome, false));
  else {
    const reg = input.registrations.find((r) => sameKey(r, verdict.key));
    if (reg) steps.push(reactionStep(POLICIES[input.policy].onAppServerOutcome(reg, answer.outcome), answer.outcome, true));
  }
  // The provider's outcome comes after the server's reaction: the server never learns it.
  if (answer.outcome.kind === "result" && answer.provider) steps.push(providerStep(answer.provider));
  return steps;
}

function registrationLine(input: LifecycleInput, verdict: RegistrationVerdict): RegistrationLifecycle {
  const steps: LifecycleStep[] = [];
  const line = (stoppedAt: LifecycleStage | null): RegistrationLifecycle => ({ key: verdict.key, label: regLabel(verdict.key), steps, stoppedAt });
  if (!verdict.push) {
    steps.push({ stage: "decision", status: "stopped", text: `not pushed: ${reason(verdict.why)}` });
    return line("decision");
  }
  steps.push({ stage: "decision", status: "done", text: `push: ${reason(verdict.why)}` });
  const publish = input.publishes.find((p) => sameKey(p.key, verdict.key));
  if (!publish) {
    if (!input.settled) {
      steps.push({ stage: "publish", status: "pending", text: verdict.delayMs ? `waiting ${verdict.delayMs} ms before the publish` : "waiting for the publish" });
      return line(null);
    }
    steps.push({
      stage: "publish",
      status: "stopped",
      text: input.source === "decision-record"
        ? "no publish was sent (the registration was gone, or the batch was cancelled when the session resumed)"
        : "no publish reached the App Server sink within the wait window",
    });
    return line("publish");
  }
  const after = publish.delayedMs ? ` after ${publish.delayedMs} ms` : "";
  steps.push({ stage: "publish", status: "done", text: `publish ${publish.iqId} sent${after}` });
  steps.push(...afterPublish(input, verdict, publish));
  // An error or a timeout means the notification went no further than the App Server.
  return line(steps.find((s) => s.status === "stopped")?.stage ?? null);
}

/** One line per registration the decision judged, each from the routing of the message onwards. */
export function pushLifecycle(input: LifecycleInput): PushLifecycle {
  return { routed: routedStep(input.delivery), registrations: input.verdicts.map((v) => registrationLine(input, v)) };
}

/** "decision → publish → …" for a line: its steps' texts, for Markdown and accessible names. */
export function lifecycleText(line: RegistrationLifecycle, routed: LifecycleStep): string {
  return [routed, ...line.steps].map((s) => `${s.stage}: ${s.text}`).join(" → ");
}
