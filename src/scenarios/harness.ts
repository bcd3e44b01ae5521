/**
 * A fluent, headless push scenario driver over @xmpp/client (design push-semantics.md §C "Harness",
 * §0.3): it owns the account's resources (A1, A2, …), the sender B and the App Server sink S (a
 * full JID), runs steps in order, and records everything the sessions observe as plain data.
 *
 *   await h.connect("A2").enable("A2", { away: true }).disconnect("A2")
 *     .connect("A1").presence("A1", "away")
 *     .send().expectPush({ node: "N" });
 *
 * Every step method queues the step and returns the harness; `await` runs the queue. A failing
 * step rejects that `await` and skips the steps queued behind it; later steps run again.
 * Isomorphic: only @xmpp/client, the protocol helpers, setTimeout and globalThis.crypto.
 */
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { createXmppClient } from "../xmpp-client/client";
import type { XmppClient } from "../xmpp-client/client";
import { NS } from "../protocol/ns";
import type { DataForm, MessageType, Show, StanzaErrorSpec } from "../protocol/policy/types";
import { parseDiscoInfo, buildDiscoInfoQuery } from "../protocol/stanzas/disco";
import { buildErrorElement, parseStanzaError } from "../protocol/stanzas/errors";
import { buildChatMessage, chatStateOf } from "../protocol/stanzas/message";
import type { ChatState } from "../protocol/stanzas/message";
import { buildPresence } from "../protocol/stanzas/presence";
import { buildDisable, buildEnable, buildRemoteDisable, isParseFailure, parsePushPublish } from "../protocol/stanzas/push";
import { attrOf, childElements, findChild, findClientChild, textOf } from "../protocol/stanzas/xml-util";
import type {
  HarnessEvent,
  IqOutcome,
  ObservedDelivery,
  ObservedPresence,
  ObservedPublish,
  Observation,
  PartyInfo,
  ProbeRecord,
  PublishKind,
  Role,
  SentMessage,
  SinkMode,
  StepRecord,
} from "./types";
import { Signal, sleep } from "./wait";

export interface Credentials {
  username: string;
  password: string;
  /** Defaults to the harness `domain`. The account, sender and sink may sit on different local hosts. */
  domain?: string;
}

export interface SinkCredentials extends Credentials {
  resource: string;
}

export interface HarnessWaits {
  /** Longest wait for an expected push (or delivery). */
  pushMs: number;
  /** How long "no push" is watched, and the quiet period that ends a `collect`. */
  noPushMs: number;
  /** Timeout of every iq the harness sends. */
  iqMs: number;
  /**
   * Pause after a close so the server has dropped the session before the next stanza (the
   * reference server does so before answering `</close>`; a dropped socket or a real server may lag).
   */
  settleMs: number;
}

/** Against the in-process reference server. Real servers over a network want longer windows (design C: ≤10 s / 5 s). */
export const DEFAULT_WAITS: HarnessWaits = { pushMs: 3000, noPushMs: 500, iqMs: 5000, settleMs: 30 };

export type Mechanism = "PLAIN" | "SCRAM-SHA-1";

export interface PushHarnessOptions {
  /** Explicit WebSocket URL (`ws://127.0.0.1:port/xmpp-websocket`); never a bare domain. */
  service: string;
  domain: string;
  account: Credentials;
  sender: Credentials & { resource?: string };
  sink: SinkCredentials;
  /** Force one SASL mechanism (PLAIN keeps Node tests fast); default: xmpp.js's own choice. */
  mechanism?: Mechanism;
  waits?: Partial<HarnessWaits>;
  /** Live events (the UI feeds its store from here). */
  onEvent?: (event: HarnessEvent) => void;
  /**
   * Appended to every account resource when it binds (`A1` binds as `A1<suffix>`; records keep
   * the label). Real servers share one account between runs, so each scenario needs resources
   * nobody else holds. Default: none.
   */
  resourceSuffix?: string;
  /**
   * Negotiate XEP-0198 when the server offers it (default false; `connect(res, { streamManagement })`
   * overrides it per session). Our client (src/xmpp-client) counts acks correctly, but the
   * catalogue's "gone" means a plain clean close, and a session without SM cannot hibernate, so
   * only the scenarios about hibernation ("app killed", design B.2 rows 11-12) turn it on.
   */
  streamManagement?: boolean;
}

export interface ConnectOptions {
  /** Negotiate XEP-0198 on this session (default: the harness option). Needed for a resumable `drop`. */
  streamManagement?: boolean;
}

export interface EnableStepOptions {
  /** Node label: each label maps to a fresh random node. Default `N`; null leaves the attribute out. */
  node?: string | null;
  /** A literal node, used as is (overrides `node`). */
  rawNode?: string;
  /** true → `away='true'`; a string is sent verbatim (`'1'`, `'false'`); false/absent → no attribute. */
  away?: boolean | string;
  /** Publish-options form (a record becomes a submit form with the pubsub#publish-options FORM_TYPE). */
  publishOptions?: Record<string, string> | DataForm;
  /** Push service JID; default the sink's full JID; null leaves the attribute out. */
  jid?: string | null;
  /** `set` per XEP-0357; `get` probes servers that do not check the type (C25). */
  iqType?: "set" | "get";
  /** Name of the outcome in `iqs` (default `enable`, then `enable#2`, …). */
  label?: string;
}

export interface DisableStepOptions {
  /** Node label; default `N`; null leaves the attribute out (disables every node of the service). */
  node?: string | null;
  rawNode?: string;
  jid?: string | null;
  iqType?: "set" | "get";
  label?: string;
}

export interface SendOptions {
  /** `bare` (default) or a resource of the account. */
  to?: string;
  type?: MessageType;
  /** Default: a fresh unique text; null sends no body (chat states only). */
  body?: string | null;
  chatState?: ChatState;
  id?: string;
}

export interface PresenceOptions {
  priority?: number;
  status?: string;
}

export interface ExpectPushOptions {
  /** Node label; default any node. */
  node?: string;
  /** Exactly this many matching publishes (default 1). */
  count?: number;
  within?: number;
  /** Default `message`: Tigase's "retrieved" pings do not count as pushes for a message. */
  kind?: PublishKind | "any";
}

export interface ExpectNoPushOptions {
  for?: number;
  node?: string;
  kind?: PublishKind | "any";
}

export interface CollectOptions {
  /** Quiet period that ends the window (default `noPushMs`). */
  quietMs?: number;
  /** Longest window (default max(pushMs, quietMs)). */
  maxMs?: number;
}

export type SinkAnswer = "result" | "silent" | StanzaErrorSpec | SinkMode;

interface Party {
  role: Role;
  resource: string;
  username: string;
  password: string;
  domain: string;
  xmpp: XmppClient;
  info: PartyInfo;
  /** Dropped by `drop` while XEP-0198 resumption was granted: the server hibernates the session. */
  hibernated: boolean;
}

export class HarnessStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HarnessStepError";
  }
}

export class PushHarness implements PromiseLike<void> {
  readonly waits: HarnessWaits;
  readonly publishes: ObservedPublish[] = [];
  readonly deliveries: ObservedDelivery[] = [];
  readonly presences: ObservedPresence[] = [];
  readonly iqs: IqOutcome[] = [];
  readonly probes: ProbeRecord[] = [];
  readonly sent: SentMessage[] = [];
  readonly steps: StepRecord[] = [];
  readonly errors: string[] = [];
  /** Features of the latest disco#info of the account's bare JID (null until asked). */
  features: string[] | null = null;
  /**
   * Whether the server offered XEP-0198 in the stream features of an account session that asked
   * for stream management (null until such a session logged in).
   */
  streamManagementOffered: boolean | null = null;

  private readonly options: PushHarnessOptions;
  private readonly accountParties = new Map<string, Party>();
  private senderParty: Party | null = null;
  private sinkParty: Party | null = null;
  private readonly nodes = new Map<string, string>();
  private readonly reservedLabels = new Set<string>();
  private sinkMode: SinkMode = { kind: "result" };
  private queue: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  private publishCursor = 0;
  private deliveryCursor = 0;
  private sentCursor = 0;
  private readonly activity = new Signal();
  private readonly startedAt = Date.now();
  private seq = 0;
  private closed = false;

  constructor(options: PushHarnessOptions) {
    this.options = options;
    this.waits = { ...DEFAULT_WAITS, ...options.waits };
  }

  // -------------------------------------------------------------------------------------------
  // addresses

  get accountDomain(): string {
    return this.options.account.domain ?? this.options.domain;
  }

  /** The account's bare JID. */
  get account(): string {
    return `${this.options.account.username}@${this.accountDomain}`;
  }

  /** The sink's full JID as bound (or as configured before it is online). */
  get sinkJid(): string {
    const sink = this.options.sink;
    return this.sinkParty?.info.jid ?? `${sink.username}@${sink.domain ?? this.options.domain}/${sink.resource}`;
  }

  /** The sender's full JID once online, null before. */
  get senderJid(): string | null {
    return this.senderParty?.info.jid ?? null;
  }

  /** Full JID of a connected account resource. */
  jidOf(resource: string): string | null {
    return this.accountParties.get(resource)?.info.jid ?? null;
  }

  parties(): PartyInfo[] {
    const all = [...this.accountParties.values(), this.senderParty, this.sinkParty].filter((p): p is Party => p !== null);
    return all.map((p) => ({ ...p.info }));
  }

  /** The random node behind a label (created on first use, stable for the harness's life). */
  node(label: string): string {
    let node = this.nodes.get(label);
    if (node === undefined) {
      node = `${label.toLowerCase()}-${randomHex(6)}`;
      this.nodes.set(label, node);
    }
    return node;
  }

  labelOfNode(node: string): string | null {
    for (const [label, value] of this.nodes) if (value === node) return label;
    return null;
  }

  iq(label: string): IqOutcome | undefined {
    return this.iqs.find((i) => i.label === label);
  }

  probe(label: string): ProbeRecord | undefined {
    return this.probes.find((p) => p.label === label);
  }

  /** Publishes not yet consumed by an expectation or a probe. */
  pendingPublishes(): ObservedPublish[] {
    return this.publishes.slice(this.publishCursor);
  }

  // -------------------------------------------------------------------------------------------
  // the chain

  then<T1 = void, T2 = never>(
    onfulfilled?: ((value: void) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    const settled = this.queue.then(() => {
      const failure = this.failure;
      this.failure = null;
      if (failure) throw failure.error;
    });
    return settled.then(onfulfilled, onrejected);
  }

  private step(kind: string, summary: string, run: () => Promise<string | void>): this {
    const record: StepRecord = { index: this.steps.length, kind, summary, status: "pending" };
    this.steps.push(record);
    this.queue = this.queue.then(async () => {
      if (this.failure || this.closed) {
        record.status = "skipped";
        this.emit({ type: "step", step: { ...record } });
        return;
      }
      record.startedAt = Date.now();
      try {
        const detail = await run();
        if (detail) record.detail = detail;
        record.status = "ok";
      } catch (error) {
        record.status = "failed";
        record.error = errorMessage(error);
        this.recordError(`step ${record.index} (${summary}): ${record.error}`);
        this.failure = { error };
      }
      record.endedAt = Date.now();
      this.emit({ type: "step", step: { ...record } });
    });
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // steps: sessions

  /** Log in a resource of the account (no presence is sent: the session is connected, not receiving). */
  connect(resource: string, options: ConnectOptions = {}): this {
    const sm = options.streamManagement ?? this.options.streamManagement ?? false;
    return this.step("connect", `${resource} connect${sm ? " (stream management)" : ""}`, async () => {
      const existing = this.accountParties.get(resource);
      if (existing && existing.info.state === "online") throw new HarnessStepError(`${resource} is already connected`);
      const party = await this.open("account", this.options.account, resource, sm);
      this.accountParties.set(resource, party);
      if (!sm) return party.info.jid ?? undefined;
      // <enabled/> may follow `online`; the server answers <enable/> before this ping.
      await this.barrier(party);
      const state = party.xmpp.smState();
      return `${party.info.jid ?? ""}; XEP-0198 ${state.enabled ? (state.resumable ? `enabled, resumable for ${state.max ?? "?"} s` : "enabled, not resumable") : "not offered"}`;
    });
  }

  /** Send presence, then wait until the server has processed it (an iq round trip on the same stream). */
  presence(resource: string, show: Show | "available" | "unavailable", options: PresenceOptions = {}): this {
    const parts = [show, options.priority !== undefined ? `priority ${options.priority}` : "", options.status ? `status '${options.status}'` : ""];
    return this.step("presence", `${resource} presence ${parts.filter(Boolean).join(" ")}`, async () => {
      const party = this.onlineAccount(resource);
      const stanza =
        show === "unavailable"
          ? buildPresence({ type: "unavailable" })
          : buildPresence({ show: show === "available" ? undefined : show, priority: options.priority, status: options.status });
      await party.xmpp.send(stanza);
      await this.barrier(party);
    });
  }

  /** disco#info to `target` (default the account's bare JID), recorded under `label`. */
  disco(resource: string, target?: string, label = "disco"): this {
    return this.step("disco", `${resource} disco#info ${target ?? "(own bare JID)"}`, async () => {
      const party = this.onlineAccount(resource);
      const to = target ?? this.account;
      const outcome = this.newIq(label, "disco", resource, { iqType: "get", to });
      try {
        const reply = await party.xmpp.iqCaller.request(buildDiscoInfoQuery({ to }), this.waits.iqMs);
        outcome.outcome = "result";
        const info = parseDiscoInfo(reply);
        if ("error" in info) this.recordError(`disco#info of ${to}: ${info.error}`);
        else {
          outcome.features = info.features;
          outcome.identities = info.identities.map((i) => ({ ...i }));
          if (to === this.account) this.features = [...info.features];
        }
      } catch (error) {
        this.fillIqError(outcome, error);
      }
      this.pushIq(outcome);
      return describeIq(outcome);
    });
  }

  enable(resource: string, options: EnableStepOptions = {}): this {
    const label = options.label ?? this.nextLabel("enable");
    return this.step("enable", `${resource} enable ${describeNodeOption(options)}${options.away !== undefined ? ` away=${String(options.away)}` : ""}`, async () => {
      const party = this.onlineAccount(resource);
      if (options.jid === undefined) await this.ensureSink();
      const jid = options.jid === undefined ? this.sinkJid : options.jid;
      const { node, nodeLabel } = this.resolveNode(options);
      const iq = buildEnable({
        jid: jid ?? "",
        node: node ?? undefined,
        away: options.away,
        publishOptions: options.publishOptions,
        type: options.iqType,
      });
      if (jid === null) removeAttr(iq, "enable", "jid");
      const enableEl = findChild(iq, "enable", NS.push);
      const formEl = enableEl ? childElements(enableEl).find((c) => c.name === "x") : undefined;
      const outcome = this.newIq(label, "enable", resource, {
        iqType: options.iqType ?? "set",
        jid,
        node,
        nodeLabel,
        away: enableEl ? (attrOf(enableEl, "away") ?? null) : null,
        publishOptions: formEl ? formFromElement(formEl) : null,
      });
      await this.request(party, iq, outcome);
      return describeIq(outcome);
    });
  }

  disable(resource: string, options: DisableStepOptions = {}): this {
    const label = options.label ?? this.nextLabel("disable");
    return this.step("disable", `${resource} disable ${describeNodeOption(options)}`, async () => {
      const party = this.onlineAccount(resource);
      if (options.jid === undefined) await this.ensureSink();
      const jid = options.jid === undefined ? this.sinkJid : options.jid;
      const { node, nodeLabel } = this.resolveNode(options);
      const iq = buildDisable({ jid: jid ?? "", node: node ?? undefined, type: options.iqType });
      if (jid === null) removeAttr(iq, "disable", "jid");
      const outcome = this.newIq(label, "disable", resource, { iqType: options.iqType ?? "set", jid, node, nodeLabel });
      await this.request(party, iq, outcome);
      return describeIq(outcome);
    });
  }

  /** Close the stream cleanly (`</close>`): the session is gone, with no resumption. */
  disconnect(resource: string): this {
    return this.step("disconnect", `${resource} disconnect`, async () => {
      const party = this.onlineAccount(resource);
      await this.stopParty(party);
      await sleep(this.waits.settleMs);
    });
  }

  /**
   * The app is killed: the transport is dropped without `</close>` (our client's `killSocket()`).
   * On a session with XEP-0198 resumption the server hibernates it (it keeps the session and
   * queues what arrives for it: Prosody and ejabberd push then, design B.2 rows 11-12); without,
   * the session ends as with a lost connection. `close()` resumes a hibernated session and ends
   * it cleanly, so that real servers do not keep it (ejabberd's mod_push_keepalive: for days).
   */
  drop(resource: string): this {
    return this.step("drop", `${resource} drop socket`, async () => {
      const party = this.onlineAccount(resource);
      // Read everything the server still has in flight first (the round trip, then its trailing
      // <r/>): a socket destroyed with unread bytes is reset (RST) rather than closed (FIN), and
      // ejabberd 23.01 then sometimes never notices the drop (no pending state, no push; seen once
      // in ~10 real runs of C26: no transition_to_pending in its log), while a FIN always hibernates.
      await this.barrier(party);
      await sleep(this.waits.settleMs);
      const resumable = party.xmpp.smState().resumable;
      await party.xmpp.killSocket({ timeoutMs: this.waits.iqMs }).catch((error: unknown) => {
        throw new HarnessStepError(`${resource}: ${errorMessage(error)}`);
      });
      party.hibernated = resumable;
      this.setState(party, "closed");
      await sleep(this.waits.settleMs);
      return resumable ? "resumable: the server hibernates the session" : "not resumable: the session ends";
    });
  }

  // -------------------------------------------------------------------------------------------
  // steps: sender and sink

  /** B sends a message to the account (bare JID by default). */
  send(options: SendOptions = {}): this {
    const to = options.to ?? "bare";
    const type = options.type ?? "chat";
    return this.step("send", `B → ${to === "bare" ? "alice (bare)" : to}: ${type}${options.body === null ? " without body" : ""}${options.chatState ? ` <${options.chatState}/>` : ""}`, async () => {
      const sender = await this.ensureSender();
      const seq = this.sent.length + 1;
      const body = options.body === null ? undefined : (options.body ?? `message ${seq} (${randomHex(3)})`);
      const address = to === "bare" ? this.account : `${this.account}/${this.boundResource(to)}`;
      const id = options.id ?? `m${seq}-${randomHex(4)}`;
      await sender.xmpp.send(buildChatMessage({ to: address, type, body, chatState: options.chatState, id }));
      const record: SentMessage = { seq, at: Date.now(), from: sender.info.jid ?? "", to: address, type, id };
      if (body !== undefined) record.body = body;
      if (options.chatState) record.chatState = options.chatState;
      this.sent.push(record);
      await this.settleAfterSend(sender);
      return id;
    });
  }

  /**
   * Ping round trips on the sender's stream, then on every online party's: each stream is ordered,
   * so once they return, whatever the server did with the message at once (deliveries, publishes
   * without a batching delay) has reached our sockets. Probes then never depend on how busy the
   * machine is; the quiet window of `collect` still catches late or delayed pushes.
   */
  private async settleAfterSend(sender: Party): Promise<void> {
    await this.barrier(sender);
    const others = [...this.accountParties.values(), ...(this.sinkParty ? [this.sinkParty] : [])];
    await Promise.all(others.filter((p) => p.info.state === "online").map((p) => this.barrier(p)));
  }

  /** How the sink answers publishes from now on. */
  sinkAnswers(mode: SinkAnswer): this {
    const resolved = toSinkMode(mode);
    return this.step("sink-answers", `S answers ${describeSinkMode(resolved)}`, async () => {
      this.sinkMode = resolved;
    });
  }

  /** The App Server revokes a node (XEP-0357 §9), then waits until the server has processed it. */
  sinkRemoteDisable(nodeLabel = "N"): this {
    return this.step("sink-remote-disable", `S remote-disables ${nodeLabel}`, async () => {
      const sink = await this.ensureSink();
      const node = this.node(nodeLabel);
      await sink.xmpp.send(buildRemoteDisable({ from: this.sinkJid, to: this.account, node, account: this.account }));
      await this.barrier(sink);
    });
  }

  // -------------------------------------------------------------------------------------------
  // steps: observation

  /**
   * Close a probe: wait until nothing new arrived for `quietMs`, then file everything since the
   * previous probe (publishes, deliveries, sent messages) under `label`.
   */
  collect(label: string, options: CollectOptions = {}): this {
    return this.step("collect", `collect '${label}'`, async () => {
      const quietMs = options.quietMs ?? this.waits.noPushMs;
      const maxMs = options.maxMs ?? Math.max(this.waits.pushMs, quietMs);
      const startedAt = Date.now();
      for (;;) {
        const lastActivity = Math.max(startedAt, this.lastActivityAt());
        const now = Date.now();
        if (now - lastActivity >= quietMs || now - startedAt >= maxMs) break;
        await this.activity.next(Math.min(quietMs - (now - lastActivity), maxMs - (now - startedAt)));
      }
      const probe: ProbeRecord = {
        label,
        startedAt,
        endedAt: Date.now(),
        publishes: this.publishes.slice(this.publishCursor),
        deliveries: this.deliveries.slice(this.deliveryCursor),
        sent: this.sent.slice(this.sentCursor),
      };
      this.advanceCursors();
      this.probes.push(probe);
      this.emit({ type: "probe", probe });
      return `${probe.publishes.length} publish(es), ${probe.deliveries.length} deliver(ies)`;
    });
  }

  /** Forget what arrived so far (expectations and probes look only at what comes after). */
  mark(): this {
    return this.step("mark", "mark", async () => {
      this.advanceCursors();
    });
  }

  wait(ms: number): this {
    return this.step("wait", `wait ${ms} ms`, () => sleep(ms));
  }

  /** Round trip on a resource's stream: everything it sent before has been processed. */
  sync(resource: string): this {
    return this.step("sync", `${resource} sync`, async () => {
      await this.barrier(this.onlineAccount(resource));
    });
  }

  /**
   * Waits until exactly `count` matching publishes arrived since the last expectation, probe or
   * mark, then consumes everything that arrived (matching or not).
   */
  expectPush(options: ExpectPushOptions = {}): this {
    const count = options.count ?? 1;
    const what = `${count} push(es)${options.node ? ` to ${options.node}` : ""}`;
    return this.step("expect-push", `expect ${what}`, async () => {
      const matches = () => this.pendingPublishes().filter((p) => publishMatches(p, options.node, options.kind ?? "message"));
      await this.activity.until(() => matches().length >= count, options.within ?? this.waits.pushMs);
      const found = matches();
      const pending = this.pendingPublishes();
      this.publishCursor = this.publishes.length;
      if (found.length !== count) {
        throw new HarnessStepError(`expected ${what}, got ${found.length}; arrived: ${describePublishes(pending)}`);
      }
      return describePublishes(pending);
    });
  }

  /** Watches for `for` ms; fails if a matching publish arrived since the last expectation, probe or mark. Consumes all. */
  expectNoPush(options: ExpectNoPushOptions = {}): this {
    const windowMs = options.for ?? this.waits.noPushMs;
    return this.step("expect-no-push", `expect no push${options.node ? ` to ${options.node}` : ""} for ${windowMs} ms`, async () => {
      await sleep(windowMs);
      const pending = this.pendingPublishes();
      const found = pending.filter((p) => publishMatches(p, options.node, options.kind ?? "message"));
      this.publishCursor = this.publishes.length;
      if (found.length > 0) throw new HarnessStepError(`expected no push, got ${describePublishes(found)}`);
    });
  }

  /** The last message B sent (or one with `body`) reaches this account resource. */
  expectDelivery(resource: string, options: { within?: number; body?: string } = {}): this {
    return this.step("expect-delivery", `expect delivery to ${resource}`, async () => {
      const body = options.body ?? this.sent.at(-1)?.body;
      if (body === undefined) throw new HarnessStepError("no message with a body was sent");
      const found = () => this.deliveries.some((d) => d.role === "account" && d.resource === resource && d.body === body);
      if (!(await this.activity.until(found, options.within ?? this.waits.pushMs))) {
        throw new HarnessStepError(`${resource} did not receive '${body}'`);
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // results

  /** Everything observed so far, as plain data. */
  observation(scenarioId?: string): Observation {
    const firstFailure = this.steps.find((s) => s.status === "failed");
    const observation: Observation = {
      startedAt: this.startedAt,
      endedAt: Date.now(),
      account: this.account,
      domain: this.accountDomain,
      sender: this.senderJid,
      sink: this.sinkParty?.info.jid ?? null,
      features: this.features ? [...this.features] : null,
      nodes: Object.fromEntries(this.nodes),
      iqs: this.iqs.map((i) => ({ ...i })),
      probes: this.probes.map((p) => ({ ...p })),
      publishes: [...this.publishes],
      deliveries: [...this.deliveries],
      sent: [...this.sent],
      steps: this.steps.map((s) => ({ ...s })),
      errors: [...this.errors],
    };
    if (this.streamManagementOffered !== null) observation.streamManagement = this.streamManagementOffered;
    if (scenarioId !== undefined) observation.scenarioId = scenarioId;
    if (firstFailure?.error) observation.aborted = `${firstFailure.summary}: ${firstFailure.error}`;
    return observation;
  }

  /** Runs what is queued (errors already recorded), then closes every session. Idempotent. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    const parties = [...this.accountParties.values(), this.senderParty, this.sinkParty].filter((p): p is Party => p !== null);
    await Promise.all(parties.map((p) => (p.hibernated ? this.endHibernated(p) : this.stopParty(p)).catch(() => undefined)));
  }

  /** Resumes a hibernated session (taking what the server queued for it) and closes it cleanly. */
  private async endHibernated(party: Party): Promise<void> {
    party.hibernated = false;
    try {
      await party.xmpp.resume({ timeoutMs: this.waits.iqMs });
    } catch {
      // Expired, or the server bound a fresh session instead: stop whatever is left below.
    }
    await party.xmpp.stop();
  }

  // -------------------------------------------------------------------------------------------
  // internals: sessions

  private async open(role: Role, creds: Credentials, resource: string, streamManagement = false): Promise<Party> {
    const domain = creds.domain ?? this.options.domain;
    const xmpp = createXmppClient({
      service: this.options.service,
      domain,
      resource: role === "account" ? this.boundResource(resource) : resource,
      streamManagement,
      ...(this.options.mechanism
        ? { credentials: forcedMechanism(this.options.mechanism, creds) }
        : { username: creds.username, password: creds.password }),
    });
    // Tests and scenarios want a session to stay gone once it is gone.
    xmpp.reconnect.stop();
    if (streamManagement && role === "account") {
      // The features after authentication (the ones with bind) say whether XEP-0198 is offered.
      xmpp.on("element", (element: Element) => {
        if (!element.is("features", NS.streams) || !element.getChild("bind", NS.bind)) return;
        this.streamManagementOffered = this.streamManagementOffered === true || element.getChild("sm", NS.sm) !== undefined;
      });
    }
    const party: Party = {
      role,
      resource,
      username: creds.username,
      password: creds.password,
      domain,
      xmpp,
      info: { role, resource, jid: null, state: "connecting" },
      hibernated: false,
    };
    const label = role === "account" ? resource : role === "sender" ? "B" : "S";
    xmpp.on("error", (error: unknown) => this.recordError(`${label}: ${errorMessage(error)}`));
    xmpp.on("stanza", (stanza: Element) => this.onStanza(party, stanza));
    xmpp.on("disconnect", () => {
      if (party.info.state === "online") this.setState(party, "closed");
    });
    if (role === "sink") xmpp.iqCallee.set(NS.pubsub, "pubsub", (ctx) => this.onPublish(ctx.stanza));
    this.emit({ type: "party", party: { ...party.info } });
    try {
      // xmpp.js waits for `online` without a deadline: a server that stalls in SASL or bind would hang the run.
      const address = await withTimeout(xmpp.start(), this.waits.iqMs, `no login within ${this.waits.iqMs} ms`);
      party.info.jid = address.toString();
      this.setState(party, "online");
      return party;
    } catch (error) {
      this.setState(party, "failed");
      await xmpp.stop().catch(() => undefined);
      throw new HarnessStepError(`${label} (${creds.username}@${domain}/${resource}) could not log in: ${errorMessage(error)}`);
    }
  }

  private async stopParty(party: Party): Promise<void> {
    if (party.info.state !== "online") return;
    this.setState(party, "closed");
    await party.xmpp.stop();
  }

  private async ensureSender(): Promise<Party> {
    if (this.senderParty?.info.state === "online") return this.senderParty;
    this.senderParty = await this.open("sender", this.options.sender, this.options.sender.resource ?? "B");
    return this.senderParty;
  }

  private async ensureSink(): Promise<Party> {
    if (this.sinkParty?.info.state === "online") return this.sinkParty;
    this.sinkParty = await this.open("sink", this.options.sink, this.options.sink.resource);
    return this.sinkParty;
  }

  /** The XMPP resource an account label binds as. */
  private boundResource(label: string): string {
    return `${label}${this.options.resourceSuffix ?? ""}`;
  }

  private onlineAccount(resource: string): Party {
    const party = this.accountParties.get(resource);
    if (!party || party.info.state !== "online") throw new HarnessStepError(`${resource} is not connected`);
    return party;
  }

  private setState(party: Party, state: PartyInfo["state"]): void {
    party.info.state = state;
    this.emit({ type: "party", party: { ...party.info } });
  }

  /** An iq round trip: any reply (even an error) proves the stanzas sent before it were processed. */
  private async barrier(party: Party): Promise<void> {
    try {
      await party.xmpp.iqCaller.request(xml("iq", { type: "get", to: party.domain }, xml("ping", { xmlns: NS.ping })), this.waits.iqMs);
    } catch (error) {
      if (errorName(error) === "TimeoutError") throw new HarnessStepError(`the server did not answer a ping within ${this.waits.iqMs} ms`);
    }
  }

  private async request(party: Party, iq: Element, outcome: IqOutcome): Promise<void> {
    try {
      const reply = await party.xmpp.iqCaller.request(iq, this.waits.iqMs);
      outcome.outcome = "result";
      outcome.resultChildren = childElements(reply).length;
    } catch (error) {
      this.fillIqError(outcome, error);
    }
    this.pushIq(outcome);
  }

  private newIq(label: string, kind: IqOutcome["kind"], resource: string, request: IqOutcome["request"]): IqOutcome {
    return { label, kind, resource, at: Date.now(), request, outcome: "timeout" };
  }

  private fillIqError(outcome: IqOutcome, error: unknown): void {
    if (errorName(error) === "TimeoutError") {
      outcome.outcome = "timeout";
      return;
    }
    const stanzaError = stanzaErrorOf(error);
    if (!stanzaError) throw error;
    outcome.outcome = "error";
    outcome.error = stanzaError;
  }

  private pushIq(outcome: IqOutcome): void {
    this.iqs.push(outcome);
    this.emit({ type: "iq", iq: { ...outcome } });
  }

  /** Labels are taken when a step is queued, so `enable` twice gives `enable` and `enable#2`. */
  private nextLabel(base: string): string {
    let label = base;
    for (let n = 2; this.reservedLabels.has(label); n++) label = `${base}#${n}`;
    this.reservedLabels.add(label);
    return label;
  }

  private resolveNode(options: { node?: string | null; rawNode?: string }): { node: string | null; nodeLabel: string | null } {
    if (options.rawNode !== undefined) return { node: options.rawNode, nodeLabel: this.labelOfNode(options.rawNode) };
    if (options.node === null) return { node: null, nodeLabel: null };
    const label = options.node ?? "N";
    return { node: this.node(label), nodeLabel: label };
  }

  // -------------------------------------------------------------------------------------------
  // internals: what arrives

  private onPublish(stanza: Element): Promise<Element | true> | Element | true {
    const parsed = parsePushPublish(stanza);
    const answer = this.sinkMode;
    const publish: ObservedPublish = isParseFailure(parsed)
      ? {
          seq: this.publishes.length + 1,
          at: Date.now(),
          iqId: attrOf(stanza, "id") ?? "",
          from: attrOf(stanza, "from") ?? "",
          to: attrOf(stanza, "to") ?? "",
          node: rawPublishNode(stanza),
          nodeLabel: null,
          kind: "malformed",
          summary: null,
          publishOptions: null,
          extraChildren: [],
          warnings: [],
          parseError: parsed.error,
          answer,
          xml: stanza.toString(),
        }
      : {
          seq: this.publishes.length + 1,
          at: Date.now(),
          iqId: parsed.id,
          from: parsed.from,
          to: parsed.to,
          node: parsed.node,
          nodeLabel: null,
          kind: isRetrievedPing(parsed.summary) ? "retrieved" : "message",
          summary: parsed.summary,
          publishOptions: parsed.publishOptions,
          extraChildren: parsed.extraChildren,
          warnings: parsed.warnings,
          answer,
          xml: stanza.toString(),
        };
    publish.nodeLabel = this.labelOfNode(publish.node);
    this.publishes.push(publish);
    this.emit({ type: "publish", publish });
    this.activity.notify();
    switch (answer.kind) {
      case "result":
        return true;
      case "error":
        return buildErrorElement(answer.error);
      case "silent":
        // Never settles: xmpp.js's iqCallee then sends no reply at all, and the server times out.
        return new Promise<never>(() => undefined);
    }
  }

  private onStanza(party: Party, stanza: Element): void {
    if (stanza.name === "message") this.onMessage(party, stanza);
    else if (stanza.name === "presence") this.onPresenceStanza(party, stanza);
  }

  private onMessage(party: Party, stanza: Element): void {
    const delivery: ObservedDelivery = {
      seq: ++this.seq,
      at: Date.now(),
      role: party.role,
      resource: party.resource,
      from: attrOf(stanza, "from") ?? "",
      to: attrOf(stanza, "to") ?? "",
      type: attrOf(stanza, "type") ?? "normal",
    };
    const id = attrOf(stanza, "id");
    if (id !== undefined) delivery.id = id;
    const body = findClientChild(stanza, "body");
    if (body) delivery.body = textOf(body);
    const chatState = chatStateOf(stanza);
    if (chatState) delivery.chatState = chatState;
    const delay = findChild(stanza, "delay", NS.delay);
    if (delay) {
      delivery.delay = {};
      const from = attrOf(delay, "from");
      const stamp = attrOf(delay, "stamp");
      if (from !== undefined) delivery.delay.from = from;
      if (stamp !== undefined) delivery.delay.stamp = stamp;
    }
    if (delivery.type === "error") {
      const error = parseStanzaError(stanza);
      if (error) delivery.error = error;
    }
    this.deliveries.push(delivery);
    this.emit({ type: "delivery", delivery });
    this.activity.notify();
  }

  private onPresenceStanza(party: Party, stanza: Element): void {
    const record: ObservedPresence = { at: Date.now(), resource: party.resource, from: attrOf(stanza, "from") ?? "" };
    const type = attrOf(stanza, "type");
    if (type !== undefined) record.type = type;
    const show = findClientChild(stanza, "show");
    if (show) record.show = textOf(show);
    const priority = findClientChild(stanza, "priority");
    if (priority) record.priority = Number(textOf(priority));
    this.presences.push(record);
  }

  private lastActivityAt(): number {
    const lastPublish = this.publishes.length > this.publishCursor ? (this.publishes.at(-1)?.at ?? 0) : 0;
    const lastDelivery = this.deliveries.length > this.deliveryCursor ? (this.deliveries.at(-1)?.at ?? 0) : 0;
    return Math.max(lastPublish, lastDelivery);
  }

  private advanceCursors(): void {
    this.publishCursor = this.publishes.length;
    this.deliveryCursor = this.deliveries.length;
    this.sentCursor = this.sent.length;
  }

  private recordError(message: string): void {
    this.errors.push(message);
    this.emit({ type: "error", message });
  }

  private emit(event: HarnessEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      // A broken listener must not break the run; keep the trace.
      this.errors.push(`event listener threw: ${errorMessage(error)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

function forcedMechanism(mechanism: Mechanism, creds: Credentials) {
  return async (
    authenticate: (credentials: { username: string; password: string }, mechanism: string, userAgent: Element) => Promise<void>,
    offered: string[],
  ): Promise<void> => {
    if (!offered.includes(mechanism)) {
      throw new HarnessStepError(`the server does not offer SASL ${mechanism} (offered: ${offered.join(", ") || "none"})`);
    }
    await authenticate({ username: creds.username, password: creds.password }, mechanism, xml("user-agent", { id: randomHex(8) }));
  };
}

function toSinkMode(mode: SinkAnswer): SinkMode {
  if (mode === "result") return { kind: "result" };
  if (mode === "silent") return { kind: "silent" };
  if ("kind" in mode) return mode;
  return { kind: "error", error: mode };
}

export function describeSinkMode(mode: SinkMode): string {
  if (mode.kind === "error") return `error ${mode.error.type}/${mode.error.condition}`;
  return mode.kind;
}

function describeNodeOption(options: { node?: string | null; rawNode?: string; jid?: string | null }): string {
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

function publishMatches(p: ObservedPublish, nodeLabel: string | undefined, kind: PublishKind | "any"): boolean {
  if (kind !== "any" && p.kind !== kind) return false;
  return nodeLabel === undefined || p.nodeLabel === nodeLabel;
}

/** Tigase's "messages retrieved" notification: message-count 0 and neither sender nor body (design A.4). */
function isRetrievedPing(summary: { messageCount?: number; lastMessageSender?: string; lastMessageBody?: string } | null): boolean {
  return summary !== null && summary.messageCount === 0 && summary.lastMessageSender === undefined && summary.lastMessageBody === undefined;
}

function rawPublishNode(stanza: Element): string {
  const pubsub = findChild(stanza, "pubsub", NS.pubsub);
  const publish = pubsub ? findChild(pubsub, "publish", NS.pubsub) : undefined;
  return publish ? (attrOf(publish, "node") ?? "") : "";
}

function removeAttr(iq: Element, child: string, attr: string): void {
  const el = findChild(iq, child, NS.push);
  if (el) delete (el.attrs as Record<string, unknown>)[attr];
}

function formFromElement(x: Element): DataForm {
  const form: DataForm = { fields: [] };
  const type = attrOf(x, "type");
  if (type !== undefined) form.type = type;
  for (const field of childElements(x)) {
    const name = attrOf(field, "var");
    if (field.name !== "field" || name === undefined) continue;
    form.fields.push({ var: name, values: childElements(field).filter((v) => v.name === "value").map(textOf) });
  }
  return form;
}

function stanzaErrorOf(error: unknown): StanzaErrorSpec | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { name?: unknown; condition?: unknown; type?: unknown; text?: unknown };
  if (e.name !== "StanzaError" || typeof e.condition !== "string") return null;
  const types: StanzaErrorSpec["type"][] = ["cancel", "modify", "auth", "wait", "continue"];
  const spec: StanzaErrorSpec = { type: types.find((t) => t === e.type) ?? "cancel", condition: e.condition };
  if (typeof e.text === "string" && e.text !== "") spec.text = e.text;
  return spec;
}

function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && typeof (error as { name?: unknown }).name === "string"
    ? (error as { name: string }).name
    : undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HarnessStepError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}
