/**
 * Harness events of a scenario run as timeline events on the `scenarios` lane, so a run can be
 * read (and exported) like any playground session: the harness's logins, iqs, the messages B sent,
 * what the account's resources and the sink received, and failed steps. Every summary starts with
 * the scenario id and the harness party (`C4 A1 …`) to tell parallel scenarios apart.
 */
import type { HarnessEvent, IqOutcome, ObservedPublish, PartyInfo, SinkMode } from "../../scenarios/types";
import type { AppServerOutcome } from "../../protocol/policy/types";
import type { ConnectionStatus, NewTimelineEvent, StanzaErrorSpec } from "../model";
import { SCENARIO_LANE } from "../model";

const PARTY_STATUS: Record<PartyInfo["state"], ConnectionStatus> = { connecting: "connecting", online: "online", closed: "offline", failed: "failed" };

function errorText(error: StanzaErrorSpec | undefined): string {
  return error ? `${error.type}/${error.condition}` : "";
}

function outcomeText(iq: IqOutcome): string {
  if (iq.outcome === "error") return `error ${errorText(iq.error)}`;
  return iq.outcome;
}

function sinkAnswer(mode: SinkMode): AppServerOutcome {
  if (mode.kind === "error") return { kind: "error", type: mode.error.type, condition: mode.error.condition };
  if (mode.kind === "silent") return { kind: "timeout" };
  return { kind: "result" };
}

function iqEvent(scenarioId: string, iq: IqOutcome): NewTimelineEvent {
  const head = `${scenarioId} ${iq.resource}`;
  const error = iq.outcome === "error" && iq.error ? { code: "stanza-error" as const, message: `${iq.kind} answered ${errorText(iq.error)}`, condition: iq.error.condition, type: iq.error.type } : undefined;
  const timeout = iq.outcome === "timeout" ? { code: "timeout" as const, message: `${iq.kind}: no answer in time` } : undefined;
  const problem = error ?? timeout;
  switch (iq.kind) {
    case "enable": {
      const node = iq.request.node ?? "";
      return {
        lane: SCENARIO_LANE,
        kind: "enable",
        at: iq.at,
        summary: `${head} enable ${iq.request.jid ?? "(no jid)"} node ${iq.request.nodeLabel ?? (node || "(none)")}${iq.request.away === "true" ? " away" : ""} [${iq.label}]: ${outcomeText(iq)}`,
        jid: iq.request.jid ?? "",
        node,
        away: iq.request.away === "true",
        publishOptions: iq.request.publishOptions ?? null,
        outcome: iq.outcome,
        ...(problem ? { error: problem } : {}),
      };
    }
    case "disable":
      return {
        lane: SCENARIO_LANE,
        kind: "disable",
        at: iq.at,
        summary: `${head} disable ${iq.request.jid ?? "(no jid)"}${iq.request.node ? ` node ${iq.request.nodeLabel ?? iq.request.node}` : ""} [${iq.label}]: ${outcomeText(iq)}`,
        jid: iq.request.jid ?? "",
        node: iq.request.node ?? null,
        outcome: iq.outcome,
        ...(problem ? { error: problem } : {}),
      };
    case "disco": {
      const jid = iq.request.to ?? "";
      const features = iq.features ?? [];
      return {
        lane: SCENARIO_LANE,
        kind: "disco",
        at: iq.at,
        summary: `${head} disco#info ${jid || "(own account)"} [${iq.label}]: ${outcomeText(iq)}${iq.outcome === "result" ? `, ${features.length} features` : ""}`,
        target: jid === "" || jid.includes("@") ? "account" : "domain",
        jid,
        outcome: iq.outcome,
        identities: iq.identities ?? [],
        features,
        ...(problem ? { error: problem } : {}),
      };
    }
  }
}

function publishEvent(scenarioId: string, p: ObservedPublish): NewTimelineEvent {
  const s = p.summary;
  const what = p.kind === "malformed" ? `malformed (${p.parseError ?? "unreadable"})` : p.kind === "retrieved" ? "messages retrieved" : `count ${s?.messageCount ?? "–"}${s?.lastMessageSender ? ` from ${s.lastMessageSender}` : ""}`;
  return {
    lane: SCENARIO_LANE,
    kind: "push",
    at: p.at,
    summary: `${scenarioId} sink push #${p.seq} node ${p.nodeLabel ?? (p.node || "(none)")}: ${what}`,
    xml: p.xml,
    iqId: p.iqId,
    from: p.from,
    node: p.node || null,
    notification: s
      ? {
          ...(s.formType !== undefined ? { formType: s.formType } : {}),
          ...(s.messageCount !== undefined ? { messageCount: s.messageCount } : {}),
          ...(s.lastMessageSender !== undefined ? { lastMessageSender: s.lastMessageSender } : {}),
          ...(s.lastMessageBody !== undefined ? { lastMessageBody: s.lastMessageBody } : {}),
          otherFields: s.otherFields,
        }
      : null,
    publishOptions: p.publishOptions,
    ...(p.parseError ? { parseError: p.parseError } : {}),
    answer: sinkAnswer(p.answer),
  };
}

/** The timeline events one harness event stands for (none for bookkeeping such as finished steps). */
export function harnessTimelineEvents(scenarioId: string, event: HarnessEvent): NewTimelineEvent[] {
  switch (event.type) {
    case "party": {
      const { party } = event;
      return [
        {
          lane: SCENARIO_LANE,
          kind: "connection",
          summary: `${scenarioId} ${party.resource} (${party.role}) ${party.state}${party.jid ? ` as ${party.jid}` : ""}`,
          status: PARTY_STATUS[party.state],
          ...(party.jid ? { jid: party.jid } : {}),
        },
      ];
    }
    case "iq":
      return [iqEvent(scenarioId, event.iq)];
    case "publish":
      return [publishEvent(scenarioId, event.publish)];
    case "delivery": {
      const d = event.delivery;
      const body = d.body !== undefined ? `: ${d.body}` : d.chatState ? ` (${d.chatState})` : "";
      return [
        {
          lane: SCENARIO_LANE,
          kind: "message-received",
          at: d.at,
          summary: `${scenarioId} ${d.resource} received ${d.type} from ${d.from}${d.delay ? " (delayed)" : ""}${d.error ? ` error ${errorText(d.error)}` : ""}${body}`,
          messageId: d.id ?? null,
          from: d.from,
          to: d.to,
          messageType: d.type,
          ...(d.body !== undefined ? { body: d.body } : {}),
          delayed: d.delay !== undefined,
        },
      ];
    }
    case "probe":
      // What B sent is only reported with the probe that follows it; stamped with when it was sent.
      return event.probe.sent.map((m) => ({
        lane: SCENARIO_LANE,
        kind: "message-sent" as const,
        at: m.at,
        summary: `${scenarioId} B sent ${m.type} to ${m.to}${m.body !== undefined ? `: ${m.body}` : m.chatState ? ` (${m.chatState})` : ""}`,
        messageId: m.id,
        from: m.from,
        to: m.to,
        sendKind: m.chatState && m.body === undefined ? ("chat-state" as const) : m.type === "groupchat" ? ("groupchat" as const) : ("chat" as const),
        messageType: m.type,
        ...(m.body !== undefined ? { body: m.body } : {}),
        receivedBy: [],
        pushEventIds: [],
      }));
    case "step":
      if (event.step.status !== "failed") return [];
      return [
        {
          lane: SCENARIO_LANE,
          kind: "error",
          at: event.step.endedAt ?? event.step.startedAt,
          summary: `${scenarioId} step failed: ${event.step.summary}${event.step.error ? `: ${event.step.error}` : ""}`,
          error: { code: "internal", message: event.step.error ?? `step ${event.step.summary} failed` },
          operation: `scenario ${scenarioId}`,
        },
      ];
    case "error":
      return [
        {
          lane: SCENARIO_LANE,
          kind: "error",
          summary: `${scenarioId} client error: ${event.message}`,
          error: { code: "internal", message: event.message },
          operation: `scenario ${scenarioId}`,
        },
      ];
  }
}
