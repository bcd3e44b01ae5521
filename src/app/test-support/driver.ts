/**
 * A headless fluent driver for the Playground against a running server, for service tests:
 *
 *   await driver.connect().presence("r1", "away").enable({ away: true }).send("hi").expectPush();
 *
 * Steps queue in order and run when the chain is awaited; a step whose action fails throws with
 * the action's error, so a chain reads as the scenario it checks. Lanes are named as in the UI:
 * a resource name ("r1"), "sender" or "sink". The Playground itself stays reachable (`driver.pg`)
 * for assertions on its stores.
 */
import { createPlayground } from "../playground";
import type { ActionResult, Playground } from "../playground-api";
import { SENDER_LANE, SINK_LANE, type EnableRequestForm, type LaneId, type MessageSentEvent, type OperationResult, type PresenceChoice, type PushEvent, type SendRequest, type SinkMode, type TimelineEvent } from "../model";
import { createStores } from "../stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "../stores/profile";
import type { SessionView } from "../stores/sessions";

export interface DriverOptions {
  /** WebSocket URL of the server. */
  service: string;
  domain?: string;
  /** Account names: `<prefix>alice<n>`, `<prefix>bob<n>`, `<prefix>pushsvc<n>` unless given. */
  accountPrefix?: string;
  account?: { username: string; password: string };
  /** The sender's and the sink's accounts (a real server's fixed ones), else from the prefix. */
  sender?: { username: string; password: string };
  sink?: { username: string; password: string };
  initialResources?: string[];
  useServerLog?: boolean;
  /** Expectation wait window (ms). */
  windowMs?: number;
  connectTimeoutMs?: number;
  iqTimeoutMs?: number;
  /** Default timeout of waits (ms). */
  waitMs?: number;
}

let driverCounter = 0;

export class PlaygroundDriver implements PromiseLike<void> {
  readonly pg: Playground;
  private chain: Promise<void> = Promise.resolve();
  private readonly waitMs: number;
  /** Message ids of the last send. */
  lastSent: string[] = [];
  /** Outcome of the last enable/disable. */
  lastOperation: OperationResult | null = null;
  /** Pushes seen by the last expectPush (the one it waited for is last). */
  lastPush: PushEvent | null = null;

  constructor(options: DriverOptions) {
    const n = ++driverCounter;
    const prefix = options.accountPrefix ?? "";
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    if (options.windowMs !== undefined) stores.expectations.getState().setWindowMs(options.windowMs);
    this.waitMs = options.waitMs ?? 5000;
    this.pg = createPlayground({
      stores,
      profile: {
        ...DEFAULT_PROFILE,
        service: options.service,
        ...(options.domain ? { domain: options.domain } : {}),
        account: options.account ?? { username: `${prefix}alice${n}`, password: "pass" },
        sender: options.sender ?? { username: `${prefix}bob${n}`, password: "pass" },
        sink: { ...(options.sink ?? { username: `${prefix}pushsvc${n}`, password: "pass" }), resource: "sink" },
      },
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      iqTimeoutMs: options.iqTimeoutMs ?? 3000,
      ...(options.initialResources ? { initialResources: options.initialResources } : {}),
      ...(options.useServerLog !== undefined ? { useServerLog: options.useServerLog } : {}),
    });
  }

  then<A = void, B = never>(onFulfilled?: ((value: void) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    const done = this.chain;
    // A failed chain must not poison the next one.
    this.chain = Promise.resolve();
    return done.then(onFulfilled, onRejected);
  }

  private step(fn: () => unknown): this {
    this.chain = this.chain.then(async () => {
      await fn();
    });
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // reading

  events(): TimelineEvent[] {
    this.pg.flush();
    return this.pg.stores.timeline.getState().events;
  }

  pushes(): PushEvent[] {
    return this.events().filter((e): e is PushEvent => e.kind === "push");
  }

  sentEvent(messageId: string): MessageSentEvent | undefined {
    return this.events().find((e): e is MessageSentEvent => e.kind === "message-sent" && e.messageId === messageId);
  }

  /** The lane id of a resource name, "sender" or "sink". */
  lane(name: string): LaneId {
    if (name === "sender") return SENDER_LANE;
    if (name === "sink") return SINK_LANE;
    const v = this.resources().find((r) => r.resource === name);
    if (!v) throw new Error(`no resource named ${name}`);
    return v.id;
  }

  view(name: string): SessionView {
    return this.pg.stores.sessions.getState().sessions[this.lane(name)]!;
  }

  resources(): SessionView[] {
    const s = this.pg.stores.sessions.getState();
    return s.order.map((id) => s.sessions[id]).filter((v): v is SessionView => v?.role === "resource");
  }

  /** Poll `probe` (flushing, and with `sync` reading the server log) until it is truthy. */
  async waitFor<T>(probe: () => T | undefined | null | false, what: string, options: { timeoutMs?: number; sync?: boolean } = {}): Promise<T> {
    await this;
    const deadline = Date.now() + (options.timeoutMs ?? this.waitMs);
    for (;;) {
      if (options.sync) await this.pg.syncServerLog();
      else this.pg.flush();
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, options.sync ? 50 : 25));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // steps

  /** Connect these lanes (default: every resource, the sender and the sink). */
  connect(...names: string[]): this {
    return this.step(async () => {
      if (names.length === 0) return this.pg.connectAll();
      for (const name of names) {
        const lane = this.lane(name);
        const result = lane === SENDER_LANE ? await this.pg.connectSender() : lane === SINK_LANE ? await this.pg.connectSink() : await this.pg.connectResource(lane);
        must(result, `connect ${name}`);
      }
    });
  }

  disconnect(...names: string[]): this {
    return this.step(async () => {
      for (const name of names) await this.pg.disconnectResource(this.lane(name));
    });
  }

  presence(name: string, show: PresenceChoice, priority = 0, status?: string): this {
    return this.step(async () => must(await this.pg.setPresence(this.lane(name), { show, priority, ...(status !== undefined ? { status } : {}) }), `presence ${name} ${show}`));
  }

  /** Enable push from `from` (default: the first resource); throws unless the server answers result. */
  enable(request: Partial<EnableRequestForm> & { from?: string } = {}): this {
    return this.step(async () => {
      const { from, ...rest } = request;
      const fromResourceId = from ? this.lane(from) : this.resources()[0]!.id;
      const result = await this.pg.enable({ away: false, ...rest, fromResourceId });
      this.lastOperation = result;
      if (result.outcome !== "result") throw new Error(`enable: ${result.summary}`);
    });
  }

  disable(request: { node?: string; jid?: string; from?: string } = {}): this {
    return this.step(async () => {
      const fromResourceId = request.from ? this.lane(request.from) : this.resources()[0]!.id;
      const result = await this.pg.disable({ fromResourceId, jid: request.jid ?? this.pg.sinkJid(), ...(request.node ? { node: request.node } : {}) });
      this.lastOperation = result;
      if (result.outcome !== "result") throw new Error(`disable: ${result.summary}`);
    });
  }

  /** bob sends: a chat body to the bare JID, or a whole request. */
  send(what: string | SendRequest): this {
    return this.step(async () => {
      const request: SendRequest = typeof what === "string" ? { to: "bare", kind: "chat", body: what } : what;
      const result = await this.pg.send(request);
      this.lastSent = must(result, "send");
    });
  }

  sinkMode(mode: SinkMode): this {
    return this.step(() => this.pg.setSinkMode(mode));
  }

  kill(name: string): this {
    return this.step(async () => must(await this.pg.killResource(this.lane(name)), `kill ${name}`));
  }

  resume(name: string): this {
    return this.step(async () => must(await this.pg.resumeResource(this.lane(name)), `resume ${name}`));
  }

  /** Read where the server log stands (the playground skips older entries). */
  sync(): this {
    return this.step(() => this.pg.syncServerLog());
  }

  /** Wait for a push (matching `match`, default any) recorded by the sink. */
  expectPush(match: (push: PushEvent) => boolean = () => true, what = "a push"): this {
    return this.step(async () => {
      this.lastPush = await this.waitForNow(() => this.pushes().find(match), what);
    });
  }

  private async waitForNow<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      this.pg.flush();
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  dispose(): Promise<void> {
    return this.pg.dispose();
  }
}

function must<T>(result: ActionResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${result.error.message}`);
  return result.value;
}
