/**
 * Faults injected on top of any profile: latency, no reply, a forced error, an error probability,
 * a rate limit (answered the profile's way) and the push provider's outcome. Settings apply to
 * every node or to one registration node. Pure: state in, decision and state out.
 */
import type { ErrorAnswer, ProviderOutcome } from "./types";

export type LatencyFault = { kind: "none" } | { kind: "fixed"; ms: number } | { kind: "random"; minMs: number; maxMs: number };
export type AnswerFault = { kind: "profile" } | { kind: "no-reply" } | ({ kind: "error" } & ErrorAnswer);

export interface FaultSettings {
  latency: LatencyFault;
  answer: AnswerFault;
  /** With this probability (0–1) the publish is answered with `error` instead. */
  errorProbability: { p: number } & ErrorAnswer;
  /** Publishes per second per node before the profile's rate-limit answer; null: no limit. */
  rateLimitPerSecond: number | null;
  /** What the provider does with an accepted push; null: not simulated. */
  providerOutcome: ProviderOutcome | null;
}

export const NO_FAULTS: FaultSettings = {
  latency: { kind: "none" },
  answer: { kind: "profile" },
  errorProbability: { p: 0, type: "wait", condition: "internal-server-error" },
  rateLimitPerSecond: null,
  providerOutcome: null,
};

export interface FaultConfig {
  all: FaultSettings;
  /** Per registration node; a node listed here ignores `all`. */
  byNode: Readonly<Record<string, FaultSettings>>;
}

export const DEFAULT_FAULTS: FaultConfig = { all: NO_FAULTS, byNode: {} };

export function faultsFor(config: FaultConfig, node: string): FaultSettings {
  return config.byNode[node] ?? config.all;
}

/** Milliseconds before the reply, drawing from the RNG only for random latency. */
export function latencyOf(latency: LatencyFault, rng: () => number): number {
  switch (latency.kind) {
    case "none":
      return 0;
    case "fixed":
      return Math.max(0, latency.ms);
    case "random": {
      const lo = Math.max(0, Math.min(latency.minMs, latency.maxMs));
      const hi = Math.max(latency.minMs, latency.maxMs, 0);
      return Math.round(lo + rng() * (hi - lo));
    }
  }
}

/** Times within the second before `now`, and whether one more publish exceeds `limit`. */
export function rateWindow(times: readonly number[], now: number, limit: number | null): { kept: number[]; limited: boolean } {
  const kept = times.filter((t) => now - t < 1000);
  return { kept, limited: limit !== null && kept.length >= limit };
}

export function describeFaults(f: FaultSettings): string {
  const parts: string[] = [];
  if (f.latency.kind === "fixed") parts.push(`latency ${f.latency.ms} ms`);
  if (f.latency.kind === "random") parts.push(`latency ${f.latency.minMs}–${f.latency.maxMs} ms`);
  if (f.answer.kind === "no-reply") parts.push("no reply");
  if (f.answer.kind === "error") parts.push(`error ${f.answer.type}/${f.answer.condition}`);
  if (f.errorProbability.p > 0) parts.push(`${Math.round(f.errorProbability.p * 100)}% ${f.errorProbability.type}/${f.errorProbability.condition}`);
  if (f.rateLimitPerSecond !== null) parts.push(`${f.rateLimitPerSecond}/s`);
  if (f.providerOutcome) parts.push(`provider: ${f.providerOutcome}`);
  return parts.length ? parts.join(", ") : "no faults";
}
