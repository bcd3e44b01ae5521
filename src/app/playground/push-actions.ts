/**
 * Push registration actions: enable and disable from a resource (XEP-0357 §5/§6, with the Tigase
 * away flag), the sink's remote disable (§9), and the reference server's test push (one publish to
 * a registration on demand, src/server/session/push/test-push.ts). The outcome goes to the Push panel
 * (registrations.lastResult), the timeline, and the registrations list.
 */
import { NS } from "../../protocol/ns";
import { dataFormFromRecord } from "../../protocol/stanzas/data-form";
import { buildDisable, buildEnable, buildRemoteDisable } from "../../protocol/stanzas/push";
import { buildTestPush, parseTestPushAnswer, type TestPushResult } from "../../protocol/stanzas/test-push";
import type { ExpectationEngine } from "../expectations/engine";
import {
  PLAYGROUND_LANE,
  SINK_LANE,
  type DataForm,
  type DisableRequestForm,
  type EnableRequestForm,
  type KnownRegistration,
  type LaneId,
  type OperationResult,
  type PlaygroundError,
} from "../model";
import type { ActionResult } from "../playground-api";
import { validateJid } from "../xmpp/validate";
import { newStanzaId, type IqResponse } from "../xmpp/session-types";
import { failed, ok, okVoid, type ServiceContext } from "./context";
import { quoteBody, randomNode, serialize } from "./format";
import type { LaneRegistry } from "./lane-registry";
import { LOG_POLL_DELAY_MS, type ServerLogPoller } from "./server-log";
import type { SessionLanes } from "./session-lanes";
import { xmlTextError } from "./xml-text-input";

export interface PushActionsDeps {
  registry: Pick<LaneRegistry, "view" | "firstOnlineResource">;
  lanes: Pick<SessionLanes, "requireOnline">;
  expectations: Pick<ExpectationEngine, "registrationEnabled" | "registrationDisabled" | "remoteDisabled">;
  serverLog: Pick<ServerLogPoller, "schedule">;
  accountBare: () => string;
  sinkJid: () => string;
}

export interface PushActions {
  enable(request: EnableRequestForm): Promise<OperationResult>;
  disable(request: DisableRequestForm): Promise<OperationResult>;
  remoteDisable(node: string): Promise<ActionResult>;
  /**
   * Asks the reference server for one publish to this registration (`<test-push/>`), from the
   * enabling resource if it is online, else from the first online resource; resolves with the App
   * Server's answer and the policy's reaction. Other servers answer `service-unavailable`.
   */
  testPush(registration: Pick<KnownRegistration, "jid" | "node" | "enabledBySessionId">): Promise<ActionResult<TestPushResult>>;
}

/** The Playground API's `testPush` (playground-api.ts). */
export type TestPushAction = PushActions["testPush"];

/** The publish-options fields the user filled in, or why they cannot be sent. */
export function publishOptionsForm(fields: EnableRequestForm["publishOptions"]): ActionResult<Record<string, string> | null> {
  if (!fields) return ok(null);
  const used = fields.filter((f) => f.var.trim() !== "" || f.value !== "");
  if (used.length === 0) return ok(null);
  // A Map: field names are the user's (constructor, __proto__…), never an object's own keys.
  const form = new Map<string, string>();
  for (const f of used) {
    const name = f.var.trim();
    if (name === "") return failed({ code: "bad-input", message: `a publish-options field has a value (${quoteBody(f.value, 20)}) but no name` });
    // Positions count in the text as typed (spaces around the name included).
    const badText = xmlTextError([f.var, "publish-options field name"], [f.value, `value of publish-options field ${name}`]);
    if (badText) return failed(badText);
    if (form.has(name)) return failed({ code: "bad-input", message: `publish-options field ${name} appears twice` });
    form.set(name, f.value);
  }
  // fromEntries defines own properties: a field named __proto__ stays a field.
  return ok(Object.fromEntries(form));
}

function outcomeWords(res: IqResponse): string {
  return res.outcome === "result" ? "result" : res.outcome === "timeout" ? "no answer" : `error ${res.error.message}`;
}

export function createPushActions(ctx: ServiceContext, deps: PushActionsDeps): PushActions {
  const { stores, recorder, clock } = ctx;
  const registrations = () => stores.registrations.getState();

  /** Shows an enable/disable outcome in the Push panel and returns it to the caller. */
  function settle(result: OperationResult): OperationResult {
    registrations().setLastResult(result);
    return result;
  }

  /** An enable/disable that could not be sent: timeline error plus a specific panel message. */
  function refused(operation: OperationResult["operation"], error: PlaygroundError, lane: LaneId): OperationResult {
    recorder.recordError(lane, error, operation);
    return settle({ operation, at: clock.now(), outcome: "error", summary: `${operation} not sent: ${error.message}`, error });
  }

  async function enable(request: EnableRequestForm): Promise<OperationResult> {
    const lane = request.fromResourceId;
    const s = deps.lanes.requireOnline(lane, "enabling push");
    if (!s.ok) return refused("enable", s.error, deps.registry.view(lane) ? lane : PLAYGROUND_LANE);
    const badText = xmlTextError([request.jid, "push service JID"], [request.node, "node"]);
    if (badText) return refused("enable", badText, lane);
    const jid = validateJid(request.jid?.trim() || deps.sinkJid(), "push service JID");
    if (!jid.ok) return refused("enable", jid.error, lane);
    const node = request.node?.trim() || randomNode();
    const form = publishOptionsForm(request.publishOptions);
    if (!form.ok) return refused("enable", form.error, lane);
    const iq = buildEnable({ jid: jid.value.full, node, away: request.away, ...(form.value ? { publishOptions: form.value } : {}), id: newStanzaId("enable") });
    registrations().setPending(true);
    const res = await s.value.request(iq);
    const at = clock.now();
    const v = deps.registry.view(lane)!;
    const publishOptions: DataForm | null = form.value ? dataFormFromRecord(form.value, NS.pubsubPublishOptions) : null;
    const bareWarning = jid.value.resource === "" ? " (a bare JID: the server's PEP answers in the sink's place, docs/push-semantics.md §0.3)" : "";
    const what = `enable jid=${jid.value.full} node=${node}${request.away ? " away=true" : ""}${publishOptions ? ` with publish-options (${Object.keys(form.value ?? {}).join(", ")})` : ""}`;
    const summary = `${v.label}: ${what}: ${outcomeWords(res)}${bareWarning}`;
    const error = res.outcome === "result" ? undefined : res.error;
    if (res.outcome === "result") {
      deps.expectations.registrationEnabled({ jid: jid.value.full, node }, v.id);
      registrations().upsert({ jid: jid.value.full, node, away: request.away, publishOptions, enabledBySessionId: v.id, enabledByResource: v.resource, enabledAt: at, state: "active", pushCount: 0 });
    }
    recorder.record({
      kind: "enable",
      lane: v.id,
      at,
      jid: jid.value.full,
      node,
      away: request.away,
      publishOptions,
      outcome: res.outcome,
      ...(error ? { error } : {}),
      summary,
      xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
    });
    return settle({ operation: "enable", at, outcome: res.outcome, summary, ...(error ? { error } : {}) });
  }

  async function disable(request: DisableRequestForm): Promise<OperationResult> {
    const lane = request.fromResourceId;
    const s = deps.lanes.requireOnline(lane, "disabling push");
    if (!s.ok) return refused("disable", s.error, deps.registry.view(lane) ? lane : PLAYGROUND_LANE);
    const badText = xmlTextError([request.jid, "push service JID"], [request.node, "node"]);
    if (badText) return refused("disable", badText, lane);
    const jid = validateJid(request.jid, "push service JID");
    if (!jid.ok) return refused("disable", jid.error, lane);
    const node = request.node?.trim() || undefined;
    const iq = buildDisable({ jid: jid.value.full, ...(node ? { node } : {}), id: newStanzaId("disable") });
    registrations().setPending(true);
    const res = await s.value.request(iq);
    const at = clock.now();
    const v = deps.registry.view(lane)!;
    const summary = `${v.label}: disable jid=${jid.value.full} ${node ? `node=${node}` : "(all nodes)"}: ${outcomeWords(res)}`;
    const error = res.outcome === "result" ? undefined : res.error;
    if (res.outcome === "result") {
      deps.expectations.registrationDisabled(jid.value.full, node ?? null, v.id);
      registrations().setState(jid.value.full, node ?? null, "disabled", `disabled by ${v.label}`);
    }
    recorder.record({
      kind: "disable",
      lane: v.id,
      at,
      jid: jid.value.full,
      node: node ?? null,
      outcome: res.outcome,
      ...(error ? { error } : {}),
      summary,
      xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
    });
    return settle({ operation: "disable", at, outcome: res.outcome, summary, ...(error ? { error } : {}) });
  }

  async function remoteDisable(node: string): Promise<ActionResult> {
    const refuse = (error: PlaygroundError, xml?: string): ActionResult => {
      recorder.recordError(SINK_LANE, error, "remote disable", xml);
      return failed(error);
    };
    const s = deps.lanes.requireOnline(SINK_LANE, "sending a remote disable");
    if (!s.ok) return refuse(s.error);
    const trimmed = node.trim();
    if (trimmed === "") return refuse({ code: "bad-input", message: "the node to disable is empty" });
    const badText = xmlTextError([node, "node to disable"]);
    if (badText) return refuse(badText);
    const to = deps.accountBare();
    const from = s.value.jid ?? deps.sinkJid();
    const message = buildRemoteDisable({ from, to, node: trimmed, account: to });
    const error = await s.value.send(message);
    if (error) return refuse(error, message.toString());
    registrations().setState(from, trimmed, "remote-disabled", "the sink sent the XEP-0357 §9 message; Tigase honours it, Prosody and ejabberd ignore it");
    deps.expectations.remoteDisabled({ jid: from, node: trimmed });
    recorder.record({
      kind: "remote-disable",
      lane: SINK_LANE,
      to,
      node: trimmed,
      summary: `sink told ${to} to disable node ${trimmed} (XEP-0357 §9 affiliation none)`,
      xml: message.toString(),
    });
    deps.serverLog.schedule(LOG_POLL_DELAY_MS);
    return okVoid;
  }

  async function testPush(registration: Pick<KnownRegistration, "jid" | "node" | "enabledBySessionId">): Promise<ActionResult<TestPushResult>> {
    const enabler = registration.enabledBySessionId;
    const lane = deps.registry.view(enabler)?.status === "online" ? enabler : (deps.registry.firstOnlineResource() ?? enabler);
    const s = deps.lanes.requireOnline(lane, "sending a test push");
    if (!s.ok) {
      recorder.recordError(deps.registry.view(lane) ? lane : PLAYGROUND_LANE, s.error, "test push");
      return s;
    }
    const key = { jid: registration.jid, node: registration.node };
    const res = await s.value.request(buildTestPush(key, newStanzaId("test-push")));
    const v = deps.registry.view(lane)!;
    const xml = serialize(res.request, res.outcome !== "timeout" ? res.reply : null);
    const what = `${v.label}: test push to node ${key.node || "(no node)"}`;
    if (res.outcome !== "result") {
      recorder.recordError(v.id, res.error, "test push", xml);
      return failed(res.error);
    }
    const parsed = parseTestPushAnswer(res.reply);
    if ("error" in parsed) {
      const error: PlaygroundError = { code: "internal", message: `unreadable test push answer: ${parsed.error}` };
      recorder.recordError(v.id, error, "test push", xml);
      return failed(error);
    }
    const answer = parsed.outcome.kind === "error" ? `error ${parsed.outcome.type}/${parsed.outcome.condition}` : parsed.outcome.kind;
    recorder.record({ kind: "raw-send", lane: v.id, at: clock.now(), element: "iq", summary: `${what}: the App Server answered ${answer}; the server ${parsed.reaction.action === "remove" ? "removed" : "kept"} the registration`, xml });
    // The server's record (test-push, publish, publish-outcome, a removal) follows through the log poller.
    deps.serverLog.schedule(LOG_POLL_DELAY_MS);
    return ok(parsed);
  }

  return { enable, disable, remoteDisable, testPush };
}
