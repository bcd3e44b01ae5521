/** The iqs a harness sends on the account's behalf (enable, disable, disco#info) and how their outcomes are filed. */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { DataForm } from "../../protocol/policy/types";
import { buildDisable, buildEnable } from "../../protocol/stanzas/push";
import { attrOf, childElements, findChild, textOf } from "../../protocol/stanzas/xml-util";
import type { XmppClient } from "../../xmpp-client/client";
import type { IqOutcome } from "../types";
import { errorName, stanzaErrorOf } from "./errors";
import type { DisableStepOptions, EnableStepOptions } from "./options";

/** An outcome that stays `timeout` until an answer fills it in. */
export function newIq(label: string, kind: IqOutcome["kind"], resource: string, request: IqOutcome["request"]): IqOutcome {
  return { label, kind, resource, at: Date.now(), request, outcome: "timeout" };
}

/**
 * Sends `iq` and fills `outcome` with the answer: a result (returned), a stanza error, or a
 * timeout (null). Anything else (the session died) is thrown and fails the step.
 */
export async function requestIq(xmpp: XmppClient, iq: Element, outcome: IqOutcome, timeoutMs: number): Promise<Element | null> {
  try {
    const reply = await xmpp.iqCaller.request(iq, timeoutMs);
    outcome.outcome = "result";
    return reply;
  } catch (error) {
    fillIqError(outcome, error);
    return null;
  }
}

function fillIqError(outcome: IqOutcome, error: unknown): void {
  if (errorName(error) === "TimeoutError") {
    outcome.outcome = "timeout";
    return;
  }
  const stanzaError = stanzaErrorOf(error);
  if (!stanzaError) throw error;
  outcome.outcome = "error";
  outcome.error = stanzaError;
}

export interface ResolvedTarget {
  /** The push service JID as sent; null leaves the attribute out. */
  jid: string | null;
  node: string | null;
  nodeLabel: string | null;
}

/** An `<enable/>` iq and the request as an outcome records it (the away attribute and form as actually sent). */
export function enableIq(options: EnableStepOptions, target: ResolvedTarget): { iq: Element; request: IqOutcome["request"] } {
  const { jid, node, nodeLabel } = target;
  const iq = buildEnable({ jid: jid ?? "", node: node ?? undefined, away: options.away, publishOptions: options.publishOptions, type: options.iqType });
  if (jid === null) removeAttr(iq, "enable", "jid");
  const enableEl = findChild(iq, "enable", NS.push);
  const formEl = enableEl ? childElements(enableEl).find((c) => c.name === "x") : undefined;
  const request: IqOutcome["request"] = {
    iqType: options.iqType ?? "set",
    jid,
    node,
    nodeLabel,
    away: enableEl ? (attrOf(enableEl, "away") ?? null) : null,
    publishOptions: formEl ? formFromElement(formEl) : null,
  };
  return { iq, request };
}

export function disableIq(options: DisableStepOptions, target: ResolvedTarget): { iq: Element; request: IqOutcome["request"] } {
  const { jid, node, nodeLabel } = target;
  const iq = buildDisable({ jid: jid ?? "", node: node ?? undefined, type: options.iqType });
  if (jid === null) removeAttr(iq, "disable", "jid");
  return { iq, request: { iqType: options.iqType ?? "set", jid, node, nodeLabel } };
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
