/**
 * What the resources and the sender do: presence, disco#info, messages (single or a burst) and
 * raw XML. Each action validates first, reports failures as values and as timeline errors, and
 * never throws.
 */
import { NS } from "../../protocol/ns";
import { buildDiscoInfoQuery, parseDiscoInfo } from "../../protocol/stanzas/disco";
import { buildChatMessage } from "../../protocol/stanzas/message";
import { buildPresence } from "../../protocol/stanzas/presence";
import { attrOf, findClientChild, textOf } from "../../protocol/stanzas/xml-util";
import type { ExpectationEngine } from "../expectations/engine";
import {
  MAX_BURST,
  PLAYGROUND_LANE,
  SENDER_LANE,
  type DiscoResult,
  type DiscoTarget,
  type LaneId,
  type MessageSentEvent,
  type PlaygroundError,
  type PresenceRequest,
  type SendRequest,
} from "../model";
import type { ActionResult } from "../playground-api";
import { validateResource } from "../xmpp/validate";
import { newStanzaId, type IqResponse } from "../xmpp/session-types";
import { failed, ok, okVoid, type ServiceContext } from "./context";
import { highlightOf, presenceWords, quoteBody, serialize } from "./format";
import type { LaneRegistry } from "./lane-registry";
import type { Linker } from "./linker";
import { LOG_POLL_DELAY_MS, type ServerLogPoller } from "./server-log";
import type { SessionLanes } from "./session-lanes";
import { createSlicer } from "./slices";
import { xmlTextError } from "./xml-text-input";

export interface ActionsDeps {
  registry: LaneRegistry;
  lanes: Pick<SessionLanes, "requireOnline">;
  linker: Pick<Linker, "rememberSent">;
  expectations: Pick<ExpectationEngine, "plan" | "sent"> & Partial<Pick<ExpectationEngine, "presenceSent">>;
  serverLog: Pick<ServerLogPoller, "schedule">;
  accountBare: () => string;
}

export interface Actions {
  setPresence(id: LaneId, request: PresenceRequest): Promise<ActionResult>;
  disco(target: DiscoTarget, fromResourceId?: LaneId): Promise<ActionResult<DiscoResult>>;
  send(request: SendRequest): Promise<ActionResult<string[]>>;
  sendRaw(sessionId: LaneId, xmlText: string): Promise<ActionResult>;
}

function discoResult(target: DiscoTarget, jid: string, at: number, from: LaneId, res: IqResponse): DiscoResult {
  const empty = { target, jid, at, fromSessionId: from, identities: [], features: [], supportsPush: false, supportsAway: false };
  if (res.outcome !== "result") return { ...empty, outcome: res.outcome, error: res.error };
  const info = parseDiscoInfo(res.reply);
  if ("error" in info) return { ...empty, outcome: "error", error: { code: "stanza-error", message: info.error } };
  return {
    ...empty,
    outcome: "result",
    identities: info.identities,
    features: info.features.map((f) => ({ var: f, highlight: highlightOf(f) })),
    supportsPush: info.features.includes(NS.push),
    supportsAway: info.features.includes(NS.pushAway),
  };
}

function discoSummary(result: DiscoResult): string {
  const { jid } = result;
  if (result.outcome !== "result") return `disco#info ${jid} ${result.outcome === "timeout" ? "timed out" : "failed"}: ${result.error?.message ?? ""}`;
  const tigase = result.features.filter((f) => f.highlight === "tigase-push").length;
  return `disco#info ${jid}: ${result.features.length} features; ${result.supportsPush ? "urn:xmpp:push:0 ✓" : "no urn:xmpp:push:0"}, ${result.supportsAway ? "tigase:push:away:0 ✓" : "no tigase:push:away:0"}${tigase ? `, ${tigase} other tigase:push:*` : ""}`;
}

interface Env {
  ctx: ServiceContext;
  deps: ActionsDeps;
}

function refuse<T>({ ctx }: Env, lane: LaneId, error: PlaygroundError, operation: string, xml?: string): ActionResult<T> {
  ctx.recorder.recordError(lane, error, operation, xml);
  return failed(error);
}

async function setPresence(env: Env, id: LaneId, request: PresenceRequest): Promise<ActionResult> {
  const { recorder } = env.ctx;
  const { registry, lanes } = env.deps;
  const v = registry.view(id);
  if (!v || v.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
  const priority = request.priority ?? v.priority;
  if (!Number.isInteger(priority) || priority < -128 || priority > 127) {
    return refuse(env, id, { code: "bad-input", message: `priority must be an integer from -128 to 127 (got ${String(request.priority)})` }, "presence");
  }
  const status = request.status === undefined || request.status === "" ? undefined : request.status;
  const badText = xmlTextError([status, "status text"]);
  if (badText) return refuse(env, id, badText, "presence");
  const s = lanes.requireOnline(id, "sending presence");
  if (!s.ok) return refuse(env, id, s.error, "presence");
  const choice = request.show;
  const element =
    choice === "unavailable"
      ? buildPresence({ type: "unavailable", ...(status ? { status } : {}) })
      : buildPresence({ ...(choice !== "available" ? { show: choice } : {}), priority, ...(status ? { status } : {}) });
  const error = await s.value.send(element);
  if (error) return refuse(env, id, error, "presence", element.toString());
  const m = registry.lane(id);
  if (m && choice !== "unavailable") m.presenceCount += 1;
  const before = v.presence ? { ...v.presence } : null;
  registry.patchView(id, {
    presenceChoice: choice,
    presence: choice === "unavailable" ? null : { show: choice === "available" ? null : choice, priority, ...(status ? { status } : {}) },
    priority,
    statusText: status ?? "",
  });
  const after = registry.view(id)!;
  const state = after.status !== "online" ? "" : after.online ? " → online" : after.away ? " → away" : after.receiving ? " → receiving" : " → not receiving";
  const eventId = recorder.record({
    kind: "presence",
    lane: id,
    direction: "out",
    available: choice !== "unavailable",
    show: choice === "available" || choice === "unavailable" ? null : choice,
    priority,
    ...(status ? { status } : {}),
    summary: `${after.label} sent presence: ${presenceWords(choice, priority, status)}${state}`,
    xml: element.toString(),
  });
  // Queued to a hibernated resource, it may be pushed: predicted for servers without a decision log.
  env.deps.expectations.presenceSent?.(id, { before, after: after.presence ? { ...after.presence } : null }, eventId, env.ctx.clock.now());
  return okVoid;
}

async function disco(env: Env, target: DiscoTarget, fromResourceId?: LaneId): Promise<ActionResult<DiscoResult>> {
  const { stores, recorder, clock } = env.ctx;
  const { registry, lanes, accountBare } = env.deps;
  const from = fromResourceId ?? registry.firstOnlineResource();
  if (!from) return refuse(env, PLAYGROUND_LANE, { code: "not-connected", message: "connect a resource of the account before running disco#info" }, `disco#info (${target})`);
  const s = lanes.requireOnline(from, "running disco#info");
  if (!s.ok) return refuse(env, from, s.error, `disco#info (${target})`);
  const jid = target === "account" ? accountBare() : stores.profile.getState().profile.domain.trim().toLowerCase();
  stores.disco.getState().setPending(target, true);
  const res = await s.value.request(buildDiscoInfoQuery({ to: jid, id: newStanzaId("disco") }));
  const at = clock.now();
  const result = discoResult(target, jid, at, from, res);
  stores.disco.getState().setResult(result);
  recorder.record({
    kind: "disco",
    lane: from,
    at,
    target,
    jid,
    outcome: result.outcome,
    identities: result.identities,
    features: result.features.map((f) => f.var),
    ...(result.error ? { error: result.error } : {}),
    summary: discoSummary(result),
    xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
  });
  return result.outcome === "result" ? ok(result) : failed(result.error!);
}

/** Where a send goes and what it says, or why it cannot be sent. */
export function validateSend(accountBare: () => string, request: SendRequest): ActionResult<{ to: string; count: number; body: string }> {
  const count = request.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_BURST) {
    return failed({ code: "bad-input", message: `the burst size must be a whole number from 1 to ${MAX_BURST} (got ${String(request.count)})` });
  }
  let to = accountBare();
  if (request.to !== "bare") {
    const badResource = xmlTextError([request.to, "target resource"]);
    if (badResource) return failed(badResource);
    const r = validateResource(request.to, "target resource");
    if (!r.ok) return r;
    to = `${to}/${r.value}`;
  }
  const body = request.body ?? "";
  if (request.kind !== "chat-state" && body.trim() === "") {
    return failed({ code: "bad-input", message: "the message body is empty; choose “chat state” to send a body-less message" });
  }
  const badBody = request.kind === "chat-state" ? null : xmlTextError([body, "message body"]);
  if (badBody) return failed(badBody);
  return ok({ to, count, body });
}

async function send(env: Env, request: SendRequest): Promise<ActionResult<string[]>> {
  const { recorder, clock } = env.ctx;
  const { registry, lanes, linker, expectations, accountBare } = env.deps;
  const s = lanes.requireOnline(SENDER_LANE, "sending messages");
  if (!s.ok) return refuse(env, SENDER_LANE, s.error, "send");
  const valid = validateSend(accountBare, request);
  if (!valid.ok) return refuse(env, SENDER_LANE, valid.error, "send");
  const { to, count, body } = valid.value;
  const bare = accountBare();
  const ids: string[] = [];
  const from = s.value.jid ?? "";
  const type = request.kind === "groupchat" ? "groupchat" : "chat";
  // A burst runs in slices of a few ms: the pushes it causes are read between slices, and no
  // task grows long (1,000 sends in one task took ~0.5 s).
  const slicer = createSlicer();
  for (let i = 1; i <= count; i++) {
    if (i > 1) await slicer.pause();
    const messageId = newStanzaId("m");
    const thisBody = request.kind === "chat-state" ? undefined : count > 1 ? `${body} (${i}/${count})` : body;
    const element =
      request.kind === "chat-state"
        ? buildChatMessage({ to, type: "chat", chatState: "composing", id: messageId })
        : buildChatMessage({ to, type, body: thisBody, id: messageId });
    // The write comes first (xmpp.js writes to the socket within this call): the push the user
    // waits for is on its way while the page predicts it. Nothing runs between the write and the
    // prediction, so it still sees what the playground knew when the message left.
    const sending = s.value.send(element);
    const plan = expectations.plan(element, SENDER_LANE, from);
    const error = await sending;
    if (error) {
      refuse(env, SENDER_LANE, error, "send");
      if (ids.length === 0) return failed(error);
      break;
    }
    const at = clock.now();
    const event: Omit<MessageSentEvent, "id" | "at"> & { at: number } = {
      kind: "message-sent",
      lane: SENDER_LANE,
      at,
      messageId,
      from,
      to,
      sendKind: request.kind,
      messageType: type,
      ...(thisBody !== undefined ? { body: thisBody } : {}),
      ...(count > 1 ? { burst: { index: i, count } } : {}),
      receivedBy: [],
      pushEventIds: [],
      summary: `${registry.view(SENDER_LANE)?.label ?? "sender"} → ${to}: ${request.kind === "chat-state" ? "chat state <composing/> (no body)" : `${type} ${quoteBody(thisBody)}`}${count > 1 ? ` [${i}/${count}]` : ""}`,
      xml: element.toString(),
    };
    const eventId = recorder.record(event);
    linker.rememberSent(element, eventId, bare, thisBody, at);
    if (plan) expectations.sent(plan, eventId, at);
    ids.push(messageId);
  }
  env.deps.serverLog.schedule(LOG_POLL_DELAY_MS);
  return ok(ids);
}

async function sendRaw(env: Env, sessionId: LaneId, xmlText: string): Promise<ActionResult> {
  const { stores, recorder, clock } = env.ctx;
  const { registry, lanes, linker, expectations } = env.deps;
  const v = registry.view(sessionId);
  const fail = (error: PlaygroundError) => refuse<void>(env, v ? sessionId : PLAYGROUND_LANE, error, "send raw XML");
  if (!v) return fail({ code: "internal", message: `no session ${sessionId}` });
  if (xmlText.trim() === "") return fail({ code: "bad-xml", message: "nothing to send: the XML is empty" });
  // The strict XML parser (saxes) is not in the first load: only raw sends and the views need it.
  const { tryParseXml } = await import("../../protocol/stanzas/parse");
  const parsed = tryParseXml(xmlText.trim());
  if (!parsed.ok) return fail({ code: "bad-xml", message: `not one well-formed XML element: ${parsed.error}` });
  const s = lanes.requireOnline(sessionId, "sending raw XML");
  if (!s.ok) return fail(s.error);
  const element = parsed.element;
  stores.console.getState().rememberSent(xmlText.trim());
  const plan = element.name === "message" ? expectations.plan(element, sessionId, s.value.jid ?? "") : null;
  const error = await s.value.send(element);
  if (error) return fail(error);
  const at = clock.now();
  const type = attrOf(element, "type");
  const to = attrOf(element, "to");
  const eventId = recorder.record({
    kind: "raw-send",
    lane: sessionId,
    at,
    element: element.name,
    summary: `${v.label} sent raw <${element.name}${type ? ` type='${type}'` : ""}${to ? ` to='${to}'` : ""}>`,
    xml: element.toString(),
  });
  if (element.name === "message") {
    const bodyEl = findClientChild(element, "body");
    linker.rememberSent(element, eventId, (to ?? "").split("/")[0]!.toLowerCase(), bodyEl ? textOf(bodyEl) : undefined, at);
    if (plan) expectations.sent(plan, eventId, at);
    env.deps.serverLog.schedule(LOG_POLL_DELAY_MS);
  }
  return okVoid;
}

export function createActions(ctx: ServiceContext, deps: ActionsDeps): Actions {
  const env: Env = { ctx, deps };
  return {
    setPresence: (id, request) => setPresence(env, id, request),
    disco: (target, from) => disco(env, target, from),
    send: (request) => send(env, request),
    sendRaw: (sessionId, xmlText) => sendRaw(env, sessionId, xmlText),
  };
}
