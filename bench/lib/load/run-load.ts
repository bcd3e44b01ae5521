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
import { performance } from "node:perf_hooks";
import type { Element } from "@xmpp/xml";
import { NS } from "../../../src/protocol/ns";
import { buildChatMessage } from "../../../src/protocol/stanzas/message";
import { buildPresence } from "../../../src/protocol/stanzas/presence";
import { buildDisable, buildEnable, isParseFailure, parsePushPublish } from "../../../src/protocol/stanzas/push";
import { findClientChild, textOf } from "../../../src/protocol/stanzas/xml-util";
import { Signal, sleep } from "../../../src/scenarios/wait";
import { percentile } from "../stats";
import { barrier, connectClient, errorText, openIdleSession, stopQuietly, type BenchClient, type ClientBuild, type IdleSession } from "./clients";
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

interface Sent {
  at: number;
  body: string;
}

/**
 * Ties pushes to sends: by body when every push carries one of ours (the reference server echoes
 * it), otherwise by order (Prosody and ejabberd put "New Message!" / "New message" there; one
 * sender on one stream, so the n-th push answers the n-th message).
 */
function phaseFigures(sends: readonly Sent[], got: readonly PushRecord[], window: number, bodyPrefix: string): PhaseFigures {
  const latencies: number[] = [];
  let matching: PhaseFigures["matching"] = "none";
  let pushed = 0;
  if (got.length > 0 && got.every((p) => p.body?.startsWith(bodyPrefix))) {
    matching = "body";
    const byBody = new Map(sends.map((s) => [s.body, s.at]));
    for (const p of got) {
      const at = byBody.get(p.body!);
      if (at === undefined) continue;
      latencies.push(p.at - at);
      byBody.delete(p.body!);
      pushed += 1;
    }
  } else if (got.length > 0) {
    matching = "order";
    const n = Math.min(got.length, sends.length);
    for (let i = 0; i < n; i++) latencies.push(got[i]!.at - sends[i]!.at);
    pushed = n;
  }
  const first = sends[0]?.at;
  const lastSend = sends.at(-1)?.at;
  const lastPush = got.at(-1)?.at;
  const elapsedMs = first !== undefined && lastPush !== undefined ? lastPush - first : Number.NaN;
  return {
    window,
    sent: sends.length,
    pushed,
    missing: Math.max(0, sends.length - pushed),
    matching,
    elapsedMs,
    pushesPerSecond: (pushed * 1000) / elapsedMs,
    sendsPerSecond: first !== undefined && lastSend !== undefined && sends.length > 1 ? ((sends.length - 1) * 1000) / (lastSend - first) : Number.NaN,
    latency:
      latencies.length > 0
        ? { n: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: Math.max(...latencies) }
        : null,
  };
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

class Deadline {
  private readonly end: number;
  constructor(ms: number) {
    this.end = performance.now() + ms;
  }
  left(): number {
    return Math.max(0, this.end - performance.now());
  }
  passed(): boolean {
    return this.left() === 0;
  }
  /** Rejects when the deadline passes first. */
  async race<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`deadline reached during ${what}`)), this.left());
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface PushRecord {
  at: number;
  body: string | null;
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

function bodyOfPush(stanza: Element): { node: string; body: string | null } | null {
  const parsed = parsePushPublish(stanza);
  if (isParseFailure(parsed)) return null;
  return { node: parsed.node, body: parsed.summary?.lastMessageBody ?? null };
}

export async function runLoad(target: LoadTarget, params: LoadParams, log: (line: string) => void = () => undefined): Promise<LoadResult> {
  const deadline = new Deadline(params.deadlineMs);
  const runId = randomHex(3);
  const node = `bench-${runId}`;
  const bodyPrefix = `bench ${runId} `;
  const phasesMs: Record<string, number> = {};
  const errors: string[] = [];
  const clients: BenchClient[] = [];
  const result: LoadResult = {
    target: target.name,
    product: target.product,
    service: target.service,
    params,
    runId,
    startedAt: new Date().toISOString(),
    enable: "not sent",
    disable: "not sent",
    smEnabled: false,
    stray: 0,
    deliveries: { received: 0, expected: 0, duplicates: 0, duplicatesByPhase: {} },
    single: null,
    load: null,
    memory: { before: null, loaded: null, afterClose: null },
    archive: { before: target.archive(), after: "" },
    idle: null,
    errors,
    phasesMs,
  };
  /** `bounded`: fn watches the deadline itself and returns partial figures (not raced, so they are kept). */
  const phase = async <T>(name: string, fn: () => Promise<T>, bounded = false): Promise<T> => {
    const t0 = performance.now();
    log(`  ${name}…`);
    try {
      return await (bounded ? fn() : deadline.race(fn(), name));
    } finally {
      phasesMs[name] = performance.now() - t0;
    }
  };
  const connect = async (label: string, creds: { username: string; password: string }, resource: string, timeoutMs?: number) => {
    const c = await connectClient({
      service: target.service,
      domain: target.domain,
      ...creds,
      resource,
      label,
      sm: params.sm,
      build: params.client,
      timeoutMs: timeoutMs ?? Math.min(15_000, Math.max(1000, deadline.left())),
    });
    clients.push(c);
    return c;
  };

  // Pushes for our node, in arrival order; everything the sink receives is answered `result`.
  const pushes: PushRecord[] = [];
  const pushSignal = new Signal();
  let deliveries = 0;
  let accountResources: BenchClient[] = [];
  let sinkJid = "";

  try {
    result.memory.before = await target.memory();

    const sink = await phase("sink login", () => connect("sink", target.sink, `${node}-sink`));
    sinkJid = sink.jid;
    sink.xmpp.iqCallee.set(NS.pubsub, "pubsub", (ctx: { stanza: Element }) => {
      const at = performance.now();
      const p = bodyOfPush(ctx.stanza);
      if (p && p.node === node) {
        pushes.push({ at, body: p.body });
        pushSignal.notify();
      } else {
        result.stray += 1;
      }
      return true;
    });

    const a1 = await phase("enable (a1) and leave", async () => {
      const c = await connect("a1", target.account, `${node}-a1`);
      try {
        await c.xmpp.iqCaller.request(buildEnable({ jid: sinkJid, node, away: true }), 10_000);
        result.enable = "result";
      } catch (err) {
        result.enable = `failed: ${errorText(err)}`;
        throw new Error(`enable failed: ${errorText(err)}`, { cause: err });
      }
      await stopQuietly(c.xmpp);
      return c;
    });
    result.smEnabled ||= a1.smEnabled();

    accountResources = await phase(`${params.resources - 1} away resource(s) login`, async () => {
      const list: BenchClient[] = [];
      for (let i = 2; i <= params.resources; i++) {
        const c = await connect(`a${i}`, target.account, `${node}-a${i}`);
        const seen = new Set<string>();
        c.xmpp.on("stanza", (st: Element) => {
          if (st.name !== "message") return;
          const body = findClientChild(st, "body");
          const text = body ? textOf(body) : "";
          if (!text.startsWith(bodyPrefix)) return;
          if (seen.has(text)) {
            const kind = text.slice(bodyPrefix.length).split(" ")[0]!;
            const d = result.deliveries;
            d.duplicates += 1;
            d.duplicatesByPhase[kind] = (d.duplicatesByPhase[kind] ?? 0) + 1;
            d.duplicateExample ??= st.toString().slice(0, 600);
            return;
          }
          seen.add(text);
          if (text.startsWith(`${bodyPrefix}load `)) deliveries += 1;
        });
        await c.xmpp.send(buildPresence({ show: "away", priority: 0 }));
        await barrier(c);
        list.push(c);
      }
      return list;
    });

    const sender = await phase("sender login", async () => {
      const c = await connect("sender", target.sender, `${node}-b`);
      await barrier(c);
      return c;
    });
    const to = `${target.account.username}@${target.domain}`;
    let seq = 0;
    const send = async (kind: string): Promise<Sent> => {
      seq += 1;
      const body = `${bodyPrefix}${kind} ${seq}`;
      const at = performance.now();
      await sender.xmpp.send(buildChatMessage({ to, body, id: `${node}-${seq}` }));
      return { at, body };
    };

    // The registration is live once a push arrives for a probe; earlier probes may race a1's close.
    await phase("probe until pushed", async () => {
      for (let attempt = 1; ; attempt++) {
        const before = pushes.length;
        await send("probe");
        if (await pushSignal.until(() => pushes.length > before, 3000)) break;
        if (attempt >= 5) throw new Error("no push for 5 probe messages: the registration does not push (is the enabling session still considered alive?)");
      }
      // Late pushes for earlier probes would shift the order matching: wait until quiet.
      let count = pushes.length;
      while (await pushSignal.until(() => pushes.length > count, 500)) count = pushes.length;
    });

    /**
     * Sends `count` messages with at most `window` waiting for their push; returns what was sent
     * and the pushes that arrived for them. Throws (after recording) on stall or deadline.
     */
    const windowed = async (count: number, window: number, kind: string): Promise<{ sends: Sent[]; got: PushRecord[]; error?: string }> => {
      const base = pushes.length;
      const sends: Sent[] = [];
      const t0 = performance.now();
      try {
        while (sends.length < count) {
          if (deadline.passed()) throw new Error(`deadline reached after ${sends.length} of ${count} ${kind} messages`);
          if (sends.length - (pushes.length - base) >= window) {
            const waiting = pushes.length;
            if (!(await pushSignal.until(() => pushes.length > waiting, Math.min(params.stallMs, deadline.left())))) {
              if (deadline.passed()) throw new Error(`deadline reached after ${sends.length} of ${count} ${kind} messages`);
              throw new Error(`stalled: no push for ${params.stallMs} ms with ${window} message(s) waiting (${pushes.length - base} of ${sends.length} ${kind} messages pushed)`);
            }
            continue;
          }
          if (params.rate) {
            const wait = t0 + (sends.length * 1000) / params.rate - performance.now();
            if (wait > 1) await sleep(wait);
          }
          sends.push(await send(kind));
        }
        // The rest of the window.
        await pushSignal.until(() => pushes.length - base >= count, Math.min(params.stallMs, deadline.left()));
        return { sends, got: pushes.slice(base) };
      } catch (err) {
        return { sends, got: pushes.slice(base), error: errorText(err) };
      }
    };
    const measure = async (name: string, count: number, window: number, kind: string): Promise<PhaseFigures> => {
      const r = await phase(name, () => windowed(count, window, kind), true);
      if (r.error) result.aborted ??= `${name}: ${r.error}`;
      return { ...phaseFigures(r.sends, r.got, window, bodyPrefix), ...(r.error ? { stopped: r.error } : {}) };
    };

    if (params.warmup > 0) {
      const w = await phase(`warm-up (${params.warmup} messages)`, () => windowed(params.warmup, params.window, "warmup"), true);
      if (w.error) throw new Error(`warm-up: ${w.error}`);
    }
    if (params.latencyMessages > 0) result.single = await measure(`one at a time (${params.latencyMessages} messages)`, params.latencyMessages, 1, "single");
    if (!result.aborted) {
      result.load = await measure(`load (${params.messages} messages, window ${params.window})`, params.messages, params.window, "load");
      // Deliveries trail the pushes a little: wait for them with a short bound.
      const expectedDeliveries = result.load.sent * accountResources.length;
      for (let i = 0; i < 20 && deliveries < expectedDeliveries; i++) await sleep(100);
      result.deliveries.received = deliveries;
      result.deliveries.expected = expectedDeliveries;
    }

    result.memory.loaded = await target.memory();
  } catch (err) {
    result.aborted ??= errorText(err);
  } finally {
    // Cleanup even after a failure: disable our registration, then close every load session.
    // This gets its own budget (a 10 s login, a 10 s iq) even past the deadline: a registration
    // left behind would push to a sink that is gone, on a server other runs share.
    if (result.enable === "result") {
      try {
        const by =
          accountResources.find((c) => c.xmpp.status === "online") ?? (await connect("cleanup", target.account, `${node}-cleanup`, 10_000));
        await by.xmpp.iqCaller.request(buildDisable({ jid: sinkJid, node }), 10_000);
        result.disable = "result";
      } catch (err) {
        result.disable = `failed: ${errorText(err)} (registration ${node} may be left on the server)`;
      }
    }
    result.smEnabled ||= clients.some((c) => c.smEnabled());
    await Promise.all(clients.map((c) => stopQuietly(c.xmpp)));
    for (const c of clients) for (const e of c.errors) errors.push(`${c.label}: ${e}`);
  }
  await sleep(300);
  result.memory.afterClose = await target.memory();
  result.archive.after = target.archive();

  if (params.idle > 0 && !deadline.passed()) {
    try {
      result.idle = await phase(`idle sessions (${params.idle})`, () => openIdle(target, params, node, deadline));
    } catch (err) {
      errors.push(`idle sessions: ${errorText(err)}`);
    }
  }
  return result;
}

async function openIdle(target: LoadTarget, params: LoadParams, node: string, deadline: Deadline): Promise<IdleFigures> {
  const accounts = target.idleAccounts;
  const cap = target.sessionsPerAccount === null ? Infinity : target.sessionsPerAccount * accounts.length;
  const requested = params.idle;
  const want = Math.min(requested, cap);
  const figures: IdleFigures = { requested, opened: 0, failed: 0, openMs: 0, before: null, after: null, afterClose: null };
  if (want < requested) {
    figures.capNote = `capped at ${want}: the server allows ${target.sessionsPerAccount! + 1} sessions per account (one left free) × ${accounts.length} accounts`;
  }
  figures.before = await target.memory();
  const sessions: IdleSession[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < want && !deadline.passed()) {
      const i = next++;
      const creds = accounts[i % accounts.length]!;
      try {
        sessions.push(await openIdleSession(target.service, target.domain, creds, `${node}-idle-${i + 1}`, Math.min(15_000, Math.max(1000, deadline.left()))));
      } catch (err) {
        figures.failed += 1;
        figures.firstError ??= errorText(err);
        if (figures.failed >= 20) break;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(params.idleConcurrency, want) }, worker));
    figures.openMs = performance.now() - t0;
    figures.opened = sessions.length;
    // Let the server settle (finish per-session work, e.g. ejabberd's session table writes).
    await sleep(500);
    figures.after = await target.memory();
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
  await sleep(500);
  figures.afterClose = await target.memory();
  return figures;
}
