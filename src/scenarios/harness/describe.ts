/** One-line descriptions of what the harness did and saw, for step summaries and failure messages. */
import type { IqOutcome, ObservedPublish, SinkMode } from "../types";

export function describeSinkMode(mode: SinkMode): string {
  if (mode.kind === "error") return `error ${mode.error.type}/${mode.error.condition}`;
  return mode.kind;
}

export function describeNodeOption(options: { node?: string | null; rawNode?: string; jid?: string | null }): string {
  const node = options.rawNode !== undefined ? `node='${options.rawNode}'` : options.node === null ? "(no node)" : (options.node ?? "N");
  return options.jid === null ? `${node} (no jid)` : node;
}

export function describeIq(outcome: IqOutcome): string {
  if (outcome.outcome === "error" && outcome.error) return `error ${outcome.error.type}/${outcome.error.condition}`;
  return outcome.outcome;
}

export function describePublishes(publishes: ObservedPublish[]): string {
  if (publishes.length === 0) return "none";
  return publishes.map((p) => `${p.nodeLabel ?? (p.node || "(no node)")}${p.kind === "message" ? "" : ` [${p.kind}]`}`).join(", ");
}
