/**
 * The steps of one load run (run-load.ts says what a run does and why): one method per phase over
 * the run's shared state, so that `run()` reads as the list of phases. Every wait is bounded by
 * the run's deadline or by `stallMs`.
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
import { barrier, connectClient, errorText, openIdleSession, stopQuietly, type BenchClient, type IdleSession } from "./clients";
import type { IdleFigures, LoadParams, LoadResult, PhaseFigures } from "./run-load";
import type { LoadTarget } from "./targets";

/** One deadline for the whole run. */
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

interface Sent {
  at: number;
  body: string;
}

export class LoadRun {
  private readonly deadline: Deadline;
  private readonly node: string;
  private readonly bodyPrefix: string;
  private readonly result: LoadResult;
  private readonly clients: BenchClient[] = [];
  /** Pushes for our node, in arrival order; everything the sink receives is answered `result`. */
  private readonly pushes: PushRecord[] = [];
  private readonly pushSignal = new Signal();
  /** Load-phase messages the away resources received (each resource counts). */
  private deliveries = 0;
  private accountResources: BenchClient[] = [];
  private sinkJid = "";
  private sender: BenchClient | null = null;
  private seq = 0;

  constructor(
    private readonly target: LoadTarget,
    private readonly params: LoadParams,
    private readonly log: (line: string) => void,
  ) {
    this.deadline = new Deadline(params.deadlineMs);
    const runId = randomHex(3);
    this.node = `bench-${runId}`;
    this.bodyPrefix = `bench ${runId} `;
    this.result = {
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
      errors: [],
      phasesMs: {},
    };
  }

  async run(): Promise<LoadResult> {
    const { result, target } = this;
    try {
      result.memory.before = await target.memory();
      await this.loginSink();
      await this.enableAndLeave();
      await this.loginAwayResources();
      await this.loginSender();
      await this.probeUntilPushed();
      await this.measureAll();
      result.memory.loaded = await target.memory();
    } catch (err) {
      result.aborted ??= errorText(err);
    } finally {
      await this.cleanUp();
    }
    await sleep(300);
    result.memory.afterClose = await target.memory();
    result.archive.after = target.archive();
    if (this.params.idle > 0 && !this.deadline.passed()) {
      try {
        result.idle = await this.phase(`idle sessions (${this.params.idle})`, () => openIdle(target, this.params, this.node, this.deadline));
      } catch (err) {
        result.errors.push(`idle sessions: ${errorText(err)}`);
      }
    }
    return result;
  }

  /** `bounded`: fn watches the deadline itself and returns partial figures (not raced, so they are kept). */
  private async phase<T>(name: string, fn: () => Promise<T>, bounded = false): Promise<T> {
    const t0 = performance.now();
    this.log(`  ${name}…`);
    try {
      return await (bounded ? fn() : this.deadline.race(fn(), name));
    } finally {
      this.result.phasesMs[name] = performance.now() - t0;
    }
  }

  private async connect(label: string, creds: { username: string; password: string }, resource: string, timeoutMs?: number): Promise<BenchClient> {
    const c = await connectClient({
      service: this.target.service,
      domain: this.target.domain,
      ...creds,
      resource,
      label,
      sm: this.params.sm,
      build: this.params.client,
      timeoutMs: timeoutMs ?? Math.min(15_000, Math.max(1000, this.deadline.left())),
    });
    this.clients.push(c);
    return c;
  }

  private async loginSink(): Promise<void> {
    const sink = await this.phase("sink login", () => this.connect("sink", this.target.sink, `${this.node}-sink`));
    this.sinkJid = sink.jid;
    sink.xmpp.iqCallee.set(NS.pubsub, "pubsub", (ctx: { stanza: Element }) => {
      const at = performance.now();
      const p = bodyOfPush(ctx.stanza);
      if (p && p.node === this.node) {
        this.pushes.push({ at, body: p.body });
        this.pushSignal.notify();
      } else {
        this.result.stray += 1;
      }
      return true;
    });
  }

  private async enableAndLeave(): Promise<void> {
    const a1 = await this.phase("enable (a1) and leave", async () => {
      const c = await this.connect("a1", this.target.account, `${this.node}-a1`);
      try {
        await c.xmpp.iqCaller.request(buildEnable({ jid: this.sinkJid, node: this.node, away: true }), 10_000);
        this.result.enable = "result";
      } catch (err) {
        this.result.enable = `failed: ${errorText(err)}`;
        throw new Error(`enable failed: ${errorText(err)}`, { cause: err });
      }
      await stopQuietly(c.xmpp);
      return c;
    });
    this.result.smEnabled ||= a1.smEnabled();
  }

  private async loginAwayResources(): Promise<void> {
    this.accountResources = await this.phase(`${this.params.resources - 1} away resource(s) login`, async () => {
      const list: BenchClient[] = [];
      for (let i = 2; i <= this.params.resources; i++) {
        const c = await this.connect(`a${i}`, this.target.account, `${this.node}-a${i}`);
        this.countDeliveries(c);
        await c.xmpp.send(buildPresence({ show: "away", priority: 0 }));
        await barrier(c);
        list.push(c);
      }
      return list;
    });
  }

  /** Counts the load messages a resource receives, and any message of ours it receives twice. */
  private countDeliveries(c: BenchClient): void {
    const { bodyPrefix } = this;
    const seen = new Set<string>();
    c.xmpp.on("stanza", (st: Element) => {
      if (st.name !== "message") return;
      const body = findClientChild(st, "body");
      const text = body ? textOf(body) : "";
      if (!text.startsWith(bodyPrefix)) return;
      if (seen.has(text)) {
        const kind = text.slice(bodyPrefix.length).split(" ")[0]!;
        const d = this.result.deliveries;
        d.duplicates += 1;
        d.duplicatesByPhase[kind] = (d.duplicatesByPhase[kind] ?? 0) + 1;
        d.duplicateExample ??= st.toString().slice(0, 600);
        return;
      }
      seen.add(text);
      if (text.startsWith(`${bodyPrefix}load `)) this.deliveries += 1;
    });
  }

  private async loginSender(): Promise<void> {
    this.sender = await this.phase("sender login", async () => {
      const c = await this.connect("sender", this.target.sender, `${this.node}-b`);
      await barrier(c);
      return c;
    });
  }

  private async send(kind: string): Promise<Sent> {
    if (!this.sender) throw new Error("the sender is not logged in");
    this.seq += 1;
    const body = `${this.bodyPrefix}${kind} ${this.seq}`;
    const at = performance.now();
    const to = `${this.target.account.username}@${this.target.domain}`;
    await this.sender.xmpp.send(buildChatMessage({ to, body, id: `${this.node}-${this.seq}` }));
    return { at, body };
  }

  /** The registration is live once a push arrives for a probe; earlier probes may race a1's close. */
  private async probeUntilPushed(): Promise<void> {
    const { pushes, pushSignal } = this;
    await this.phase("probe until pushed", async () => {
      for (let attempt = 1; ; attempt++) {
        const before = pushes.length;
        await this.send("probe");
        if (await pushSignal.until(() => pushes.length > before, 3000)) break;
        if (attempt >= 5) throw new Error("no push for 5 probe messages: the registration does not push (is the enabling session still considered alive?)");
      }
      // Late pushes for earlier probes would shift the order matching: wait until quiet.
      let count = pushes.length;
      while (await pushSignal.until(() => pushes.length > count, 500)) count = pushes.length;
    });
  }

  /** Warm-up, then one message at a time, then the load itself, and the deliveries it caused. */
  private async measureAll(): Promise<void> {
    const { params, result } = this;
    if (params.warmup > 0) {
      const w = await this.phase(`warm-up (${params.warmup} messages)`, () => this.windowed(params.warmup, params.window, "warmup"), true);
      if (w.error) throw new Error(`warm-up: ${w.error}`);
    }
    if (params.latencyMessages > 0) result.single = await this.measure(`one at a time (${params.latencyMessages} messages)`, params.latencyMessages, 1, "single");
    if (result.aborted) return;
    result.load = await this.measure(`load (${params.messages} messages, window ${params.window})`, params.messages, params.window, "load");
    // Deliveries trail the pushes a little: wait for them with a short bound.
    const expectedDeliveries = result.load.sent * this.accountResources.length;
    for (let i = 0; i < 20 && this.deliveries < expectedDeliveries; i++) await sleep(100);
    result.deliveries.received = this.deliveries;
    result.deliveries.expected = expectedDeliveries;
  }

  private async measure(name: string, count: number, window: number, kind: string): Promise<PhaseFigures> {
    const r = await this.phase(name, () => this.windowed(count, window, kind), true);
    if (r.error) this.result.aborted ??= `${name}: ${r.error}`;
    return { ...phaseFigures(r.sends, r.got, window, this.bodyPrefix), ...(r.error ? { stopped: r.error } : {}) };
  }

  /**
   * Sends `count` messages with at most `window` waiting for their push; returns what was sent
   * and the pushes that arrived for them, with the error that stopped it early (stall or deadline).
   */
  private async windowed(count: number, window: number, kind: string): Promise<{ sends: Sent[]; got: PushRecord[]; error?: string }> {
    const { pushes, pushSignal, deadline, params } = this;
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
        sends.push(await this.send(kind));
      }
      // The rest of the window.
      await pushSignal.until(() => pushes.length - base >= count, Math.min(params.stallMs, deadline.left()));
      return { sends, got: pushes.slice(base) };
    } catch (err) {
      return { sends, got: pushes.slice(base), error: errorText(err) };
    }
  }

  /**
   * Cleanup even after a failure: disable our registration, then close every load session. This
   * gets its own budget (a 10 s login, a 10 s iq) even past the deadline: a registration left
   * behind would push to a sink that is gone, on a server other runs share.
   */
  private async cleanUp(): Promise<void> {
    const { result } = this;
    if (result.enable === "result") {
      try {
        const by =
          this.accountResources.find((c) => c.xmpp.status === "online") ??
          (await this.connect("cleanup", this.target.account, `${this.node}-cleanup`, 10_000));
        await by.xmpp.iqCaller.request(buildDisable({ jid: this.sinkJid, node: this.node }), 10_000);
        result.disable = "result";
      } catch (err) {
        result.disable = `failed: ${errorText(err)} (registration ${this.node} may be left on the server)`;
      }
    }
    result.smEnabled ||= this.clients.some((c) => c.smEnabled());
    await Promise.all(this.clients.map((c) => stopQuietly(c.xmpp)));
    for (const c of this.clients) for (const e of c.errors) result.errors.push(`${c.label}: ${e}`);
  }
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
