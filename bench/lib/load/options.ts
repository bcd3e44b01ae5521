/** Flags shared by bench/server-load.ts and bench/side-by-side.ts, mapped to LoadParams. */
import { intIn, UsageError, type FlagSpecs, type ParsedFlags } from "../cli";
import type { ClientBuild } from "./clients";
import { DEFAULT_LOAD, type LoadParams } from "./run-load";

export const LOAD_FLAGS = {
  resources: { type: "number", help: "account resources (a1 enables and leaves, the rest stay away)", default: DEFAULT_LOAD.resources },
  messages: { type: "number", help: "measured messages", default: DEFAULT_LOAD.messages },
  warmup: { type: "number", help: "unmeasured messages first", default: DEFAULT_LOAD.warmup },
  window: { type: "number", help: "messages waiting for their push at most", default: DEFAULT_LOAD.window },
  rate: { type: "number", help: "messages per second at most (0: as fast as the window allows)", default: 0 },
  idle: { type: "number", help: "idle sessions for the per-session memory figure (0: skip)", default: DEFAULT_LOAD.idle },
  deadline: { type: "number", help: "hard deadline per server, seconds", default: DEFAULT_LOAD.deadlineMs / 1000 },
  "latency-messages": { type: "number", help: "messages sent one at a time first (0: skip)", default: DEFAULT_LOAD.latencyMessages },
  sm: { type: "boolean", help: "negotiate XEP-0198 when offered (--sm=false: never)", default: true },
  client: { type: "string", help: "fixed (src/xmpp-client) | stock (@xmpp/client 0.14, SM ack miscount)", default: "fixed" },
  "reference-process": { type: "string", help: "child | same (same: server heap includes the clients')", default: "child" },
  json: { type: "string", help: "also write the results to this JSON file" },
  check: { type: "boolean", help: "exit 1 when the reference server misses a generous target" },
  quiet: { type: "boolean", help: "no progress lines" },
  help: { type: "boolean", help: "show this text" },
} satisfies FlagSpecs;

export function loadParams(flags: ParsedFlags<typeof LOAD_FLAGS>): LoadParams {
  const rate = flags.rate ?? 0;
  if (rate < 0 || !Number.isFinite(rate)) throw new UsageError("--rate must be 0 or more");
  return {
    ...DEFAULT_LOAD,
    resources: intIn("resources", flags.resources, DEFAULT_LOAD.resources, 1, 50),
    messages: intIn("messages", flags.messages, DEFAULT_LOAD.messages, 1, 1_000_000),
    warmup: intIn("warmup", flags.warmup, DEFAULT_LOAD.warmup, 0, 100_000),
    window: intIn("window", flags.window, DEFAULT_LOAD.window, 1, 10_000),
    rate: rate > 0 ? rate : null,
    idle: intIn("idle", flags.idle, DEFAULT_LOAD.idle, 0, 20_000),
    deadlineMs: intIn("deadline", flags.deadline, DEFAULT_LOAD.deadlineMs / 1000, 5, 3600) * 1000,
    latencyMessages: intIn("latency-messages", flags["latency-messages"], DEFAULT_LOAD.latencyMessages, 0, 100_000),
    sm: flags.sm ?? true,
    client: clientBuild(flags.client),
  };
}

export function referenceMode(value: string | undefined): "child" | "same-process" {
  if (value === undefined || value === "child") return "child";
  if (value === "same" || value === "same-process") return "same-process";
  throw new UsageError(`--reference-process must be child or same, got ${value}`);
}

function clientBuild(value: string | undefined): ClientBuild {
  if (value === undefined || value === "fixed" || value === "stock") return value ?? "fixed";
  throw new UsageError(`--client must be fixed or stock, got ${value}`);
}
