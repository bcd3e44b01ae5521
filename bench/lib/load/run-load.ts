/**
 * One load run against one server, the same on every server so that figures compare:
 *
 *   1. the sink (pushsvc/<run>-sink, a full JID) logs in and answers every publish with `result`;
 *   2. resource a1 of alice enables push to the sink (`away='true'`, a fresh node) and closes its
 *      stream cleanly: Prosody and ejabberd push only while the enabling session is gone, and the
 *      reference server (policy `spec`) pushes `away` registrations while every receiving session
 *      is away;
 *   3. resources a2…aN log in and send presence `away` (they receive every message);
 *   4. bob sends a probe until its push arrives (the registration is live), then `warmup`
 *      messages, then `messages` measured ones to alice's bare JID, at most `window` of them
 *      waiting for their push at any time (and at most `rate` per second when given);
 *   5. the registration is disabled again, all load sessions close;
 *   6. `idle` further sessions log in and bind (no presence) to measure what a session costs.
 *
 * Each push is matched to its message by the body when the server includes it (reference
 * server), otherwise by order (Prosody and ejabberd send no body: one sender, one stream, so the
 * n-th push answers the n-th message). Every loop is bounded in count and by one deadline.
 */
import type { ClientBuild } from "./clients";
import { LoadRun } from "./load-run";
import type { LoadTarget, ServerMemory } from "./targets";

export interface LoadParams {
  /** Resources of the account: a1 enables and leaves, a2…aN stay away. */
  resources: number;
  messages: number;
  warmup: number;
  /** Messages waiting for their push at most. */
  window: number;
  /** Messages per second at most (null: as fast as the window allows). */
  rate: number | null;
  /** Idle sessions for the per-session memory figure (0 skips the phase). */
  idle: number;
  /** Hard deadline for the whole run. */
  deadlineMs: number;
  /** Longest wait for any single push before the run is called stalled. */
  stallMs: number;
  /** Negotiate XEP-0198 when offered (the reference server does not offer it yet). */
  sm: boolean;
  /** Which xmpp.js build drives the sessions (see clients.ts). */
  client: ClientBuild;
  /** Messages sent one at a time first (window 1), for latency without queueing (0: skip). */
  latencyMessages: number;
  /** Concurrent logins while opening idle sessions. */
  idleConcurrency: number;
}

export const DEFAULT_LOAD: LoadParams = {
  resources: 3,
  messages: 2000,
  warmup: 50,
  window: 32,
  rate: null,
  idle: 500,
  deadlineMs: 120_000,
  stallMs: 10_000,
  sm: true,
  client: "fixed",
  latencyMessages: 200,
  idleConcurrency: 16,
};

export interface LatencyFigures {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PhaseFigures {
  window: number;
  sent: number;
  pushed: number;
  missing: number;
  /** How pushes were tied to messages: by the body the server echoed, or by arrival order. */
  matching: "body" | "order" | "none";
  /** From the first send to the last push. */
  elapsedMs: number;
  pushesPerSecond: number;
  sendsPerSecond: number;
  latency: LatencyFigures | null;
  /** Why the phase ended before all its messages were sent and pushed (then `missing` counts those still waiting). */
  stopped?: string;
}

export interface IdleFigures {
  requested: number;
  opened: number;
  failed: number;
  firstError?: string;
  /** Wall time to log in and bind all of them. */
  openMs: number;
  before: ServerMemory | null;
  after: ServerMemory | null;
  afterClose: ServerMemory | null;
  /** Why fewer than requested were opened (session limits). */
  capNote?: string;
}

export interface LoadResult {
  target: string;
  product: string;
  service: string;
  params: LoadParams;
  runId: string;
  startedAt: string;
  /** The run stopped early: why. */
  aborted?: string;
  enable: string;
  disable: string;
  smEnabled: boolean;
  /** Publishes for other nodes (another registration on the same account). */
  stray: number;
  /** Load-phase messages received by the away resources, and how many were expected. */
  deliveries: {
    received: number;
    expected: number;
    /** The same message received again by the same resource (any phase). */
    duplicates: number;
    duplicatesByPhase: Record<string, number>;
    duplicateExample?: string;
  };
  /** Window 1: latency without queueing. */
  single: PhaseFigures | null;
  /** Window `params.window`: throughput, and latency under load. */
  load: PhaseFigures | null;
  memory: { before: ServerMemory | null; loaded: ServerMemory | null; afterClose: ServerMemory | null };
  /** The server's message archive before and after the run (see LoadTarget.archive). */
  archive: { before: string; after: string };
  idle: IdleFigures | null;
  errors: string[];
  phasesMs: Record<string, number>;
}

/** Runs the load against `target` (the steps are in load-run.ts); never throws, a failure sets `aborted`. */
export function runLoad(target: LoadTarget, params: LoadParams, log: (line: string) => void = () => undefined): Promise<LoadResult> {
  return new LoadRun(target, params, log).run();
}
