/**
 * Replays a setup through the playground's own actions, the way "Try it" sets a counterfactual up
 * (src/app/playground/apply-change.ts): the same validation, the same timeline records, the same
 * errors. The order is the walk-through's: virtual host and sink first, then resources connect,
 * push is enabled, each resource ends the way the setup says (presence, disconnected, killed), and
 * the messages are sent one at a time, each waiting for its real outcome (the server's decision,
 * and the push when there is one).
 */
import { NO_FAULTS } from "../app-server/faults";
import type { LaneId, MessageSentEvent, PlaygroundError, PushEvent, TimelineEvent } from "../model";
import type { ActionResult, Playground } from "../playground-api";
import type { Stores } from "../stores";
import { enableFormDefaults } from "../stores/sink";
import { selectResources, type SessionView } from "../stores/sessions";
import type { Setup, SetupMessage, SetupRegistration, SetupResource } from "./setup";

/** The actions a replay uses. */
export type SetupActions = Pick<
  Playground,
  | "stores"
  | "disconnectAll"
  | "connectAll"
  | "removeResource"
  | "addResource"
  | "setPresenceOnConnect"
  | "connectResource"
  | "disconnectResource"
  | "killResource"
  | "resumeResource"
  | "setPresence"
  | "enable"
  | "disable"
  | "send"
  | "setSinkProfile"
  | "setSinkMode"
  | "setSinkFaults"
  | "sinkJid"
  | "flush"
  | "syncServerLog"
>;

export type Step = ActionResult<string>;
const done = (text: string): Step => ({ ok: true, value: text });
const fail = (message: string, code: PlaygroundError["code"] = "bad-input"): Step => ({ ok: false, error: { code, message } });

export function resourceLane(stores: Stores, name: string): SessionView | undefined {
  return selectResources(stores.sessions.getState()).find((v) => v.resource === name);
}

function lane(pg: SetupActions, name: string): { ok: true; id: LaneId } | { ok: false; error: PlaygroundError } {
  const v = resourceLane(pg.stores, name);
  return v ? { ok: true, id: v.id } : { ok: false, error: { code: "internal", message: `there is no resource ${name} in the playground` } };
}

/** Every session closed, every resource removed, the virtual host and the sink as the setup says. */
export async function resetTo(pg: SetupActions, setup: Setup): Promise<Step> {
  await pg.disconnectAll();
  for (const v of selectResources(pg.stores.sessions.getState())) await pg.removeResource(v.id);
  // The profile is the service's to set here: the domain picks the reference server's policy.
  pg.stores.profile.getState().update({ domain: setup.domain });
  pg.setSinkProfile(setup.sink.profile);
  pg.setSinkMode(setup.sink.mode);
  pg.setSinkFaults(null, setup.sink.faults ?? NO_FAULTS);
  for (const node of Object.keys(pg.stores.sink.getState().faults.byNode)) pg.setSinkFaults(node, null);
  for (const [node, settings] of Object.entries(setup.sink.faultsByNode)) pg.setSinkFaults(node, settings);
  return done(`virtual host ${setup.domain}, the sink plays ${setup.sink.profile}`);
}

/** Adds the resources and connects them with the sender and the sink; each sends its presence. */
export async function connectResources(pg: SetupActions, resources: readonly SetupResource[]): Promise<Step> {
  for (const r of resources) {
    const added = pg.addResource(r.name);
    if (!added.ok) return added;
    pg.setPresenceOnConnect(added.value, r.presence?.show ?? null);
  }
  await pg.connectAll();
  const sessions = pg.stores.sessions.getState();
  const down = sessions.order.map((id) => sessions.sessions[id]).find((v) => v !== undefined && v.status !== "online");
  if (down) return fail(`${down.label} did not connect${down.lastError ? `: ${down.lastError.message}` : ""}`, down.lastError?.code ?? "not-connected");
  for (const r of resources) {
    if (!r.presence || (r.presence.priority === 0 && !r.presence.status)) continue;
    const l = lane(pg, r.name);
    if (!l.ok) return l;
    const p = await pg.setPresence(l.id, { show: r.presence.show, priority: r.presence.priority, ...(r.presence.status ? { status: r.presence.status } : {}) });
    if (!p.ok) return p;
  }
  return done(`${resources.map((r) => r.name).join(", ") || "no resource"} connected, with the sender and the sink`);
}

/** Disables every earlier registration of the account to this sink, so only the setup's are in force. */
export async function clearRegistrations(pg: SetupActions, from: string): Promise<Step> {
  const l = lane(pg, from);
  if (!l.ok) return l;
  const result = await pg.disable({ fromResourceId: l.id, jid: pg.sinkJid() });
  return result.outcome === "result" ? done("earlier registrations to the sink disabled") : fail(`clearing earlier registrations failed: ${result.error?.message ?? result.summary}`, result.error?.code ?? "stanza-error");
}

export async function enableRegistration(pg: SetupActions, registration: SetupRegistration): Promise<Step> {
  const l = lane(pg, registration.from);
  if (!l.ok) return l;
  const defaults = enableFormDefaults(pg.stores.sink.getState());
  const credentials: { var: string; value: string }[] = [];
  for (const name of registration.credentialFields) {
    const own = defaults.find((f) => f.var === name);
    if (!own) return fail(`the registration from ${registration.from} carried a “${name}” publish-option, which the sink's App Server (${pg.stores.sink.getState().profile}) does not provide: set it in the Push tab and enable by hand`);
    credentials.push(own);
  }
  const options = [...registration.publishOptions, ...credentials];
  const result = await pg.enable({ fromResourceId: l.id, node: registration.node, away: registration.away, publishOptions: options.length ? options : null });
  if (result.outcome !== "result") return fail(`enable from ${registration.from} failed: ${result.error?.message ?? result.summary}`, result.error?.code ?? "stanza-error");
  return done(`${registration.from} enabled push on node ${registration.node} ${registration.away ? "with away='true'" : "without away"}`);
}

/** The resource ends as the setup says: its presence (already sent), disconnected, or its app killed. */
export async function endResource(pg: SetupActions, r: SetupResource): Promise<Step> {
  const l = lane(pg, r.name);
  if (!l.ok) return l;
  if (r.end === "disconnected") {
    await pg.disconnectResource(l.id);
    return done(`${r.name} disconnected`);
  }
  if (r.end === "killed") {
    const from = pg.stores.timeline.getState().events.length;
    const killed = await pg.killResource(l.id);
    if (!killed.ok) return killed;
    // The socket is gone on our side at once; the server notices a moment later. A message sent
    // before it logs the hibernation would still be routed to the live session.
    const noticed = await waitForTimeline(pg, (events) => events.slice(from).some((e) => e.kind === "decision" && /^session-(hibernated|closed)$/.test(e.logKind) && e.summary.includes(`/${r.name} `)), 5000);
    if (!noticed) return fail(`${r.name}'s app was killed, but the server logged no hibernation or close within 5 s`, "timeout");
    return done(killed.value.resumable ? `${r.name}'s app was killed: the server hibernates its session` : `${r.name}'s app was killed; the server offers no resumption, so its session ended`);
  }
  return done(`${r.name} stays ${r.presence ? r.presence.show : "connected without presence"}`);
}

/** What became of the messages a send produced, as far as the timeline shows. */
export interface Outcome {
  /** Messages the server logged a decision for. */
  decided: number;
  pushes: PushEvent[];
  /** The decisions' summaries, in order. */
  decisions: string[];
}

function outcomeOf(events: readonly TimelineEvent[], ids: ReadonlySet<string>): Outcome {
  const decisions = events.filter((e) => e.kind === "decision" && e.logKind === "message-decision" && e.messageId != null && ids.has(e.messageId));
  const pushes = events.filter((e): e is PushEvent => e.kind === "push" && e.causeMessageId !== undefined && ids.has(e.causeMessageId));
  return { decided: decisions.length, pushes, decisions: decisions.map((d) => d.summary) };
}

const said = (summary: string) => /: push to \d+ registration/.test(summary);

/** Polls the timeline (reading the server log every half second) until `probe` holds; false on timeout. */
export async function waitForTimeline(pg: Pick<SetupActions, "stores" | "flush" | "syncServerLog">, probe: (events: readonly TimelineEvent[]) => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    if (round % 5 === 4) await pg.syncServerLog();
    else pg.flush();
    if (probe(pg.stores.timeline.getState().events)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until every message has the server's decision and every decided push has reached the
 * sink; the timeline is read as the playground fills it (no fixed sleep). `timeoutMs` bounds a
 * server that logs no decisions (not the reference server).
 */
export async function waitForOutcome(pg: Pick<SetupActions, "stores" | "flush" | "syncServerLog">, messageIds: readonly string[], timeoutMs = 10_000): Promise<ActionResult<Outcome>> {
  const ids = new Set(messageIds);
  const complete = (o: Outcome) => o.decided >= ids.size && o.pushes.length >= o.decisions.filter(said).length;
  const settled = await waitForTimeline(pg, (events) => complete(outcomeOf(events, ids)), timeoutMs);
  const o = outcomeOf(pg.stores.timeline.getState().events, ids);
  if (settled) return { ok: true, value: o };
  return { ok: false, error: { code: "timeout", message: o.decided < ids.size ? `no decision from the server within ${timeoutMs / 1000} s: the reference server logs one for every message` : `the server decided to push, but no push reached the sink within ${timeoutMs / 1000} s` } };
}

/** Sends one setup message and waits for its outcome; the text says what happened. */
export async function sendMessage(pg: SetupActions, message: SetupMessage, timeoutMs?: number): Promise<ActionResult<{ text: string; outcome: Outcome; sent: MessageSentEvent | undefined }>> {
  const sent = await pg.send({ to: message.to, kind: message.kind, ...(message.body !== undefined ? { body: message.body } : {}), count: message.count });
  if (!sent.ok) return sent;
  const outcome = await waitForOutcome(pg, sent.value, timeoutMs);
  if (!outcome.ok) return outcome;
  const { pushes } = outcome.value;
  const what = message.kind === "chat-state" ? "a chat state" : `“${message.body ?? ""}”`;
  const event = pg.stores.timeline.getState().events.find((e): e is MessageSentEvent => e.kind === "message-sent" && e.messageId === sent.value[0]);
  return { ok: true, value: { text: `bob sent ${what}: ${pushes.length === 0 ? "no push" : `${pushes.length} push${pushes.length === 1 ? "" : "es"} reached the sink`}`, outcome: outcome.value, sent: event } };
}

export interface ApplyOptions {
  /** Disable the account's earlier registrations to the sink first (default true). */
  clean?: boolean;
  /** Send the setup's messages (default true). */
  play?: boolean;
  onStep?: (text: string) => void;
  timeoutMs?: number;
}

/** The whole setup, step by step; stops at the first step that fails, saying which. */
export async function applySetup(pg: SetupActions, setup: Setup, options: ApplyOptions = {}): Promise<Step> {
  const report = (s: Step) => {
    if (s.ok) options.onStep?.(s.value);
    return s;
  };
  const steps: (() => Promise<Step>)[] = [
    () => resetTo(pg, setup),
    () => connectResources(pg, setup.resources),
    ...(options.clean !== false && setup.resources[0] ? [() => clearRegistrations(pg, setup.resources[0]!.name)] : []),
    ...setup.registrations.map((g) => () => enableRegistration(pg, g)),
    ...setup.resources.map((r) => () => endResource(pg, r)),
    ...(options.play === false
      ? []
      : setup.messages.map((m) => async (): Promise<Step> => {
          const r = await sendMessage(pg, m, options.timeoutMs);
          return r.ok ? done(r.value.text) : r;
        })),
  ];
  for (const step of steps) {
    const s = report(await step());
    if (!s.ok) return s;
  }
  return done(`set up ${setup.resources.length} resource${setup.resources.length === 1 ? "" : "s"}, ${setup.registrations.length} registration${setup.registrations.length === 1 ? "" : "s"} and sent ${setup.messages.length} message${setup.messages.length === 1 ? "" : "s"}`);
}
