/**
 * One publish through the App Server: rate limit (the profile's own or the fault's), then forced
 * answers and error probability, then the profile; latency and the provider outcome last.
 */
import { faultsFor, latencyOf, rateWindow, type FaultConfig } from "./faults";
import { PROFILES, type ProfileContext } from "./profiles";
import { nextRandom } from "./rng";
import type { AppServerDecision, AppServerState, ProfileAnswer, ProfileId, ProfileSettings, PublishInput } from "./types";
import type { SinkMode } from "../model";

export interface AppServerConfig {
  profile: ProfileId;
  settings: ProfileSettings;
  faults: FaultConfig;
  /** The generic profile's answer. */
  genericMode: SinkMode;
}

function pick(input: PublishInput, config: AppServerConfig, state: AppServerState, now: number, rng: () => number): { answer: ProfileAnswer; by: AppServerDecision["by"]; recent: number[] } {
  const profile = PROFILES[config.profile];
  const faults = faultsFor(config.faults, input.node);
  const limit = [profile.builtInRateLimit, faults.rateLimitPerSecond].filter((n): n is number => n !== null);
  const window = rateWindow(state.recent[input.node] ?? [], now, limit.length ? Math.min(...limit) : null);
  if (window.limited && !input.parseError) return { answer: profile.rateLimitAnswer, by: "rate-limit", recent: window.kept };
  const recent = [...window.kept, now];
  if (faults.answer.kind === "no-reply") return { answer: { outcome: { kind: "timeout" }, note: "fault: no reply" }, by: "fault", recent };
  if (faults.answer.kind === "error") {
    const { type, condition } = faults.answer;
    return { answer: { outcome: { kind: "error", type, condition }, note: `fault: error ${type}/${condition}` }, by: "fault", recent };
  }
  if (faults.errorProbability.p > 0 && rng() < faults.errorProbability.p) {
    const { type, condition, p } = faults.errorProbability;
    return { answer: { outcome: { kind: "error", type, condition }, note: `fault: random error (p=${p})` }, by: "fault", recent };
  }
  const ctx: ProfileContext = { settings: config.settings, genericMode: config.genericMode, blockedTokens: state.blockedTokens };
  return { answer: profile.answer(input, ctx), by: "profile", recent };
}

export function decideAppServer(input: PublishInput, config: AppServerConfig, state: AppServerState, now: number): { decision: AppServerDecision; state: AppServerState } {
  let rngState = state.rng;
  const rng = () => {
    const step = nextRandom(rngState);
    rngState = step.state;
    return step.value;
  };
  const faults = faultsFor(config.faults, input.node);
  const { answer, by, recent } = pick(input, config, state, now, rng);
  const delayMs = answer.outcome.kind === "timeout" ? 0 : latencyOf(faults.latency, rng);
  const accepted = answer.outcome.kind === "result";
  const provider = accepted ? (by === "rate-limit" ? "dropped" : faults.providerOutcome) : null;
  // An expired token makes fpush block it: later publishes to it are refused.
  const blocked = provider === "token-expired" && config.profile === "fpush" && !state.blockedTokens.includes(input.node) ? [...state.blockedTokens, input.node] : state.blockedTokens;
  return {
    decision: { outcome: answer.outcome, delayMs, by, note: answer.note, details: answer.details ?? [], provider },
    state: { recent: { ...state.recent, [input.node]: recent }, rng: rngState, blockedTokens: blocked },
  };
}
