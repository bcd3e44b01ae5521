/**
 * The App Server sink S: reads each publish iq the server sends it into an `ObservedPublish` and
 * answers it the way the scenario asked (a result, a stanza error, or nothing at all).
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { buildErrorElement } from "../../protocol/stanzas/errors";
import { isParseFailure, parsePushPublish } from "../../protocol/stanzas/push";
import type { ParsedSummary } from "../../protocol/stanzas/push";
import { attrOf, findChild } from "../../protocol/stanzas/xml-util";
import type { ObservedPublish, SinkMode } from "../types";
import type { ObservationLog } from "./observations";
import type { SinkAnswer } from "./options";

export function toSinkMode(mode: SinkAnswer): SinkMode {
  if (mode === "result") return { kind: "result" };
  if (mode === "silent") return { kind: "silent" };
  if ("kind" in mode) return mode;
  return { kind: "error", error: mode };
}

/** An iq callee's reply: true sends an empty result, an element is sent as the error payload. */
export type PublishReply = Promise<Element | true> | Element | true;

export class Sink {
  /** How the next publishes are answered. */
  mode: SinkMode = { kind: "result" };

  constructor(
    private readonly log: ObservationLog,
    private readonly labelOfNode: (node: string) => string | null,
  ) {}

  /** Files the publish, then answers it in the current mode. */
  receive(stanza: Element): PublishReply {
    const answer = this.mode;
    const publish = observePublish(stanza, this.log.publishes.length + 1, answer);
    publish.nodeLabel = this.labelOfNode(publish.node);
    this.log.addPublish(publish);
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
}

/** A publish iq as the sink saw it (`nodeLabel` is left null for the caller to fill in). */
export function observePublish(stanza: Element, seq: number, answer: SinkMode, at = Date.now()): ObservedPublish {
  const parsed = parsePushPublish(stanza);
  if (isParseFailure(parsed)) {
    return {
      seq,
      at,
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
    };
  }
  return {
    seq,
    at,
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
}

/** Tigase's "messages retrieved" notification: message-count 0 and neither sender nor body (docs/push-semantics.md A.4). */
export function isRetrievedPing(summary: Pick<ParsedSummary, "messageCount" | "lastMessageSender" | "lastMessageBody"> | null): boolean {
  return summary !== null && summary.messageCount === 0 && summary.lastMessageSender === undefined && summary.lastMessageBody === undefined;
}

function rawPublishNode(stanza: Element): string {
  const pubsub = findChild(stanza, "pubsub", NS.pubsub);
  const publish = pubsub ? findChild(pubsub, "publish", NS.pubsub) : undefined;
  return publish ? (attrOf(publish, "node") ?? "") : "";
}
