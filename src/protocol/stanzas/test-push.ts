/**
 * The reference server's test push (issue 10; served by src/server/session/push/test-push.ts): the
 * request the account's owner sends, and the answer carrying the publish's outcome. One module so
 * the server, its tests and the playground read and write the same shape.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import type { AppServerOutcome, AppServerReaction, RegistrationKey, StanzaErrorSpec } from "../policy/types";
import { buildIq } from "./iq";
import { attrOf, el, findChild, textOf } from "./xml-util";

export interface TestPushResult {
  key: RegistrationKey;
  /** id of the publish iq sent to the App Server. */
  iqId: string;
  /** seq of the `test-push` entry in the decision log. */
  seq: number;
  outcome: AppServerOutcome;
  reaction: AppServerReaction;
}

/** `<iq type='set'><test-push xmlns=NS.decisions jid node/></iq>` to the account's own bare JID (no `to`). */
export function buildTestPush(key: RegistrationKey, id?: string): Element {
  return buildIq({ type: "set", id }, el("test-push", { xmlns: NS.decisions, jid: key.jid, node: key.node }));
}

/** The `<test-push/>` payload of the server's answer. */
export function buildTestPushAnswer(result: TestPushResult): Element {
  const { outcome, reaction } = result;
  return el(
    "test-push",
    {
      xmlns: NS.decisions,
      jid: result.key.jid,
      node: result.key.node,
      "iq-id": result.iqId,
      seq: result.seq,
      outcome: outcome.kind,
      "error-type": outcome.kind === "error" ? outcome.type : undefined,
      condition: outcome.kind === "error" ? outcome.condition : undefined,
      action: reaction.action,
      "error-count": reaction.errorCount,
    },
    reaction.why,
  );
}

const ERROR_TYPES: ReadonlySet<string> = new Set(["cancel", "modify", "auth", "wait", "continue"]);

/** Reads the server's answer; `{ error }` says why it is not a readable test-push result. */
export function parseTestPushAnswer(reply: Element): TestPushResult | { error: string } {
  if (attrOf(reply, "type") !== "result") return { error: `the server answered ${attrOf(reply, "type") ?? "?"}` };
  const payload = findChild(reply, "test-push", NS.decisions);
  if (!payload) return { error: "the result carries no <test-push/>" };
  const jid = attrOf(payload, "jid");
  const node = attrOf(payload, "node");
  const iqId = attrOf(payload, "iq-id");
  const seq = Number(attrOf(payload, "seq"));
  const errorCount = Number(attrOf(payload, "error-count"));
  const action = attrOf(payload, "action");
  if (jid === undefined || node === undefined || iqId === undefined || !Number.isInteger(seq) || !Number.isInteger(errorCount)) {
    return { error: "the <test-push/> answer lacks jid, node, iq-id, seq or error-count" };
  }
  if (action !== "keep" && action !== "remove") return { error: `unknown action '${action ?? ""}'` };
  const outcome = readOutcome(payload);
  if ("error" in outcome) return outcome;
  return { key: { jid, node }, iqId, seq, outcome: outcome.outcome, reaction: { action, errorCount, why: textOf(payload) } };
}

function readOutcome(payload: Element): { outcome: AppServerOutcome } | { error: string } {
  const kind = attrOf(payload, "outcome");
  if (kind === "result" || kind === "timeout") return { outcome: { kind } };
  if (kind !== "error") return { error: `unknown outcome '${kind ?? ""}'` };
  const type = attrOf(payload, "error-type");
  const condition = attrOf(payload, "condition");
  if (type === undefined || !ERROR_TYPES.has(type) || !condition) return { error: "an error outcome needs error-type and condition" };
  return { outcome: { kind: "error", type: type as StanzaErrorSpec["type"], condition } };
}
