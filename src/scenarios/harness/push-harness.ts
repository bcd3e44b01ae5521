/**
 * A fluent, headless push scenario driver over @xmpp/client (docs/push-semantics.md §C "Harness",
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
import type { Element } from "@xmpp/xml";
import type { Show } from "../../protocol/policy/types";
import type {
  IqOutcome,
  Observation,
  ObservedDelivery,
  ObservedPresence,
  ObservedPublish,
  PartyInfo,
  ProbeRecord,
  SentMessage,
  StepRecord,
} from "../types";
import { sleep } from "../wait";
import { StepQueue } from "./chain";
import type { HarnessContext } from "./context";
import { describeNodeOption, describeSinkMode } from "./describe";
import { deliveryOf, presenceOf } from "./inbox";
import { IqLabels, NodeLabels } from "./labels";
import { ObservationLog } from "./observations";
import * as op from "./operations";
import { DEFAULT_WAITS } from "./options";
import type {
  CollectOptions,
  ConnectOptions,
  DisableStepOptions,
  EnableStepOptions,
  ExpectDeliveryOptions,
  ExpectNoPushOptions,
  ExpectPushOptions,
  HarnessWaits,
  PresenceOptions,
  PushHarnessOptions,
  SendOptions,
  SinkAnswer,
} from "./options";
import * as probe from "./probes";
import { DecisionLogSettler } from "./server-settle";
import { Sessions } from "./sessions";
import type { Party } from "./sessions";
import { Sink, toSinkMode } from "./sink";

export class PushHarness implements PromiseLike<void> {
  readonly waits: HarnessWaits;
  readonly publishes: ObservedPublish[];
  readonly deliveries: ObservedDelivery[];
  readonly presences: ObservedPresence[];
  readonly iqs: IqOutcome[];
  readonly probes: ProbeRecord[];
  readonly sent: SentMessage[];
  readonly steps: StepRecord[];
  readonly errors: string[];
  /** Features of the latest disco#info of the account's bare JID (null until asked). */
  features: string[] | null = null;

  private readonly options: PushHarnessOptions;
  private readonly ctx: HarnessContext;
  private readonly queue: StepQueue;
  private readonly startedAt = Date.now();

  constructor(options: PushHarnessOptions) {
    this.options = options;
    this.waits = { ...DEFAULT_WAITS, ...options.waits };
    const log = new ObservationLog(options.onEvent);
    const nodes = new NodeLabels();
    const sink = new Sink(log, (node) => nodes.labelOf(node));
    const sessions = new Sessions(options, this.waits, log, {
      onStanza: (party, stanza) => this.onStanza(party, stanza),
      onPublish: (stanza) => sink.receive(stanza),
    });
    const decisionLog = options.settleFromDecisionLog ? new DecisionLogSettler(options.service) : null;
    this.ctx = { waits: this.waits, log, sessions, sink, nodes, iqLabels: new IqLabels(), decisionLog };
    this.queue = new StepQueue(log);
    // The log's own arrays, so that readers keep seeing what arrives after they took them.
    this.publishes = log.publishes;
    this.deliveries = log.deliveries;
    this.presences = log.presences;
    this.iqs = log.iqs;
    this.probes = log.probes;
    this.sent = log.sent;
    this.errors = log.errors;
    this.steps = this.queue.steps;
  }

  // -------------------------------------------------------------------------------------------
  // addresses and records

  get accountDomain(): string {
    return this.ctx.sessions.accountDomain;
  }

  /** The account's bare JID. */
  get account(): string {
    return this.ctx.sessions.account;
  }

  /** The sink's full JID as bound (or as configured before it is online). */
  get sinkJid(): string {
    return this.ctx.sessions.sinkJid;
  }

  /** The sender's full JID once online, null before. */
  get senderJid(): string | null {
    return this.ctx.sessions.senderJid;
  }

  /**
   * Whether the server offered XEP-0198 in the stream features of an account session that asked
   * for stream management (null until such a session logged in).
   */
  get streamManagementOffered(): boolean | null {
    return this.ctx.sessions.streamManagementOffered;
  }

  /** Full JID of a connected account resource. */
  jidOf(resource: string): string | null {
    return this.ctx.sessions.jidOf(resource);
  }

  parties(): PartyInfo[] {
    return this.ctx.sessions.all().map((p) => ({ ...p.info }));
  }

  /** The random node behind a label (created on first use, stable for the harness's life). */
  node(label: string): string {
    return this.ctx.nodes.node(label);
  }

  labelOfNode(node: string): string | null {
    return this.ctx.nodes.labelOf(node);
  }

  iq(label: string): IqOutcome | undefined {
    return this.iqs.find((i) => i.label === label);
  }

  probe(label: string): ProbeRecord | undefined {
    return this.probes.find((p) => p.label === label);
  }

  /** Publishes not yet consumed by an expectation or a probe. */
  pendingPublishes(): ObservedPublish[] {
    return this.ctx.log.pendingPublishes();
  }

  // -------------------------------------------------------------------------------------------
  // the chain

  then<T1 = void, T2 = never>(
    onfulfilled?: ((value: void) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.queue.settled().then(onfulfilled, onrejected);
  }

  private step(kind: string, summary: string, run: () => Promise<string | void>): this {
    this.queue.enqueue(kind, summary, run);
    return this;
  }

  // -------------------------------------------------------------------------------------------
  // steps: sessions

  /** Log in a resource of the account (no presence is sent: the session is connected, not receiving). */
  connect(resource: string, options: ConnectOptions = {}): this {
    const sm = options.streamManagement ?? this.options.streamManagement ?? false;
    return this.step("connect", `${resource} connect${sm ? " (stream management)" : ""}`, () => op.connectAccount(this.ctx, resource, sm));
  }

  /** Send presence, then wait until the server has processed it (an iq round trip on the same stream). */
  presence(resource: string, show: Show | "available" | "unavailable", options: PresenceOptions = {}): this {
    const parts = [show, options.priority !== undefined ? `priority ${options.priority}` : "", options.status ? `status '${options.status}'` : ""];
    return this.step("presence", `${resource} presence ${parts.filter(Boolean).join(" ")}`, () => op.sendPresence(this.ctx, resource, show, options));
  }

  /** disco#info to `target` (default the account's bare JID), recorded under `label`. */
  disco(resource: string, target?: string, label = "disco"): this {
    return this.step("disco", `${resource} disco#info ${target ?? "(own bare JID)"}`, () =>
      op.discoInfo(this.ctx, resource, target, label, (features) => {
        this.features = features;
      }),
    );
  }

  enable(resource: string, options: EnableStepOptions = {}): this {
    const label = options.label ?? this.ctx.iqLabels.next("enable");
    const away = options.away !== undefined ? ` away=${String(options.away)}` : "";
    return this.step("enable", `${resource} enable ${describeNodeOption(options)}${away}`, () => op.enablePush(this.ctx, resource, options, label));
  }

  disable(resource: string, options: DisableStepOptions = {}): this {
    const label = options.label ?? this.ctx.iqLabels.next("disable");
    return this.step("disable", `${resource} disable ${describeNodeOption(options)}`, () => op.disablePush(this.ctx, resource, options, label));
  }

  /** Close the stream cleanly (`</close>`): the session is gone, with no resumption. */
  disconnect(resource: string): this {
    return this.step("disconnect", `${resource} disconnect`, () => op.disconnect(this.ctx, resource));
  }

  /**
   * The app is killed: the transport is dropped without `</close>` (our client's `killSocket()`).
   * On a session with XEP-0198 resumption the server hibernates it (it keeps the session and
   * queues what arrives for it: Prosody and ejabberd push then, docs/push-semantics.md B.2 rows 11-12); without,
   * the session ends as with a lost connection. `close()` resumes a hibernated session and ends
   * it cleanly, so that real servers do not keep it (ejabberd's mod_push_keepalive: for days).
   */
  drop(resource: string): this {
    return this.step("drop", `${resource} drop socket`, () => op.dropSocket(this.ctx, resource));
  }

  /**
   * The killed app comes back within the server's resumption window: a new socket, then XEP-0198
   * `<resume previd h/>` for the session `drop` left hibernating. The server re-sends what the
   * client never acknowledged (what was queued while it hibernated among it), filed as this
   * step's deliveries. Fails when the server refuses (e.g. `item-not-found` once it expired).
   */
  resume(resource: string): this {
    return this.step("resume", `${resource} resume (XEP-0198)`, () => op.resumeSession(this.ctx, resource));
  }

  /**
   * The app freezes with its socket open: the resource stops answering the server's `<r/>`
   * (XEP-0198, our client's `withholdAcks`), so the server's ack timers run out (Prosody pushes,
   * ejabberd closes the socket and the session goes pending; `close()` then resumes and ends it).
   */
  withholdAcks(resource: string): this {
    return this.step("withhold-acks", `${resource} withholds acks`, () => op.withholdAcks(this.ctx, resource));
  }

  // -------------------------------------------------------------------------------------------
  // steps: sender and sink

  /** B sends a message to the account (bare JID by default). */
  send(options: SendOptions = {}): this {
    const to = options.to ?? "bare";
    const type = options.type ?? "chat";
    const what = `${type}${options.body === null ? " without body" : ""}${options.chatState ? ` <${options.chatState}/>` : ""}`;
    return this.step("send", `B → ${to === "bare" ? "alice (bare)" : to}: ${what}`, () => op.sendMessage(this.ctx, options));
  }

  /** How the sink answers publishes from now on. */
  sinkAnswers(mode: SinkAnswer): this {
    const resolved = toSinkMode(mode);
    return this.step("sink-answers", `S answers ${describeSinkMode(resolved)}`, async () => {
      this.ctx.sink.mode = resolved;
    });
  }

  /** The App Server revokes a node (XEP-0357 §9), then waits until the server has processed it. */
  sinkRemoteDisable(nodeLabel = "N"): this {
    return this.step("sink-remote-disable", `S remote-disables ${nodeLabel}`, () => op.remoteDisable(this.ctx, nodeLabel));
  }

  // -------------------------------------------------------------------------------------------
  // steps: observation

  /**
   * Close a probe: wait until nothing new arrived for `quietMs`, then file everything since the
   * previous probe (publishes, deliveries, sent messages) under `label`.
   */
  collect(label: string, options: CollectOptions = {}): this {
    return this.step("collect", `collect '${label}'`, async () => {
      const record = await probe.collectProbe(this.ctx, label, options);
      return `${record.publishes.length} publish(es), ${record.deliveries.length} deliver(ies)`;
    });
  }

  /** Forget what arrived so far (expectations and probes look only at what comes after). */
  mark(): this {
    return this.step("mark", "mark", async () => {
      this.ctx.log.advanceCursors();
    });
  }

  wait(ms: number): this {
    return this.step("wait", `wait ${ms} ms`, () => sleep(ms));
  }

  /** Round trip on a resource's stream: everything it sent before has been processed. */
  sync(resource: string): this {
    return this.step("sync", `${resource} sync`, async () => {
      await this.ctx.sessions.barrier(this.ctx.sessions.onlineAccount(resource));
    });
  }

  /**
   * Round trip on the sink's stream. A `send` already waits until the publishes it caused reached
   * the sink, whose answers go out as they arrive, so after this step the server has also
   * processed those answers: an error is counted (or the registration removed) before the next
   * message. The threshold scenarios (C28-C30) run on it instead of quiet windows per message.
   */
  syncSink(): this {
    return this.step("sync", "S sync", async () => {
      await this.ctx.sessions.barrier(await this.ctx.sessions.ensureSink());
    });
  }

  /**
   * Waits until exactly `count` matching publishes arrived since the last expectation, probe or
   * mark, then consumes everything that arrived (matching or not).
   */
  expectPush(options: ExpectPushOptions = {}): this {
    return this.step("expect-push", `expect ${probe.describeExpectedPush(options)}`, () => probe.expectPush(this.ctx, options));
  }

  /** Watches for `for` ms; fails if a matching publish arrived since the last expectation, probe or mark. Consumes all. */
  expectNoPush(options: ExpectNoPushOptions = {}): this {
    const windowMs = options.for ?? this.waits.noPushMs;
    return this.step("expect-no-push", `expect no push${options.node ? ` to ${options.node}` : ""} for ${windowMs} ms`, () =>
      probe.expectNoPush(this.ctx, options, windowMs),
    );
  }

  /** The last message B sent (or one with `body`) reaches this account resource. */
  expectDelivery(resource: string, options: ExpectDeliveryOptions = {}): this {
    return this.step("expect-delivery", `expect delivery to ${resource}`, () => probe.expectDelivery(this.ctx, resource, options));
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
      sink: this.ctx.sessions.boundSinkJid,
      features: this.features ? [...this.features] : null,
      nodes: this.ctx.nodes.toRecord(),
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
    await this.queue.finish();
    await this.ctx.sessions.closeAll();
  }

  private onStanza(party: Party, stanza: Element): void {
    if (stanza.name === "message") this.ctx.log.addDelivery(deliveryOf(party, stanza));
    else if (stanza.name === "presence") this.ctx.log.addPresence(presenceOf(party.resource, stanza));
  }
}
