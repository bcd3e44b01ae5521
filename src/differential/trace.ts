/**
 * What one run of a sequence observed, normalised so that two servers can be compared line by
 * line: JIDs become roles (`A`, `A/A1`, `B`, `S`, `D` for the domain), node labels stand for the
 * random nodes, message bodies are the sequence's own (`m3`), and ids and timestamps are dropped.
 * Within one step publishes and deliveries are sorted: their order across streams is not defined.
 */
import type { IqOutcome, ObservedDelivery, ObservedPublish } from "../scenarios/types";

export interface TraceStep {
  /** The operation, as `describeOp` says it. */
  op: string;
  /** The answer to an enable or disable: `result`, `error <condition>`, `timeout`. */
  iq?: string;
  publishes: string[];
  deliveries: string[];
  /** The step failed in the harness (e.g. a login was refused). */
  failed?: string;
}

export interface Trace {
  steps: TraceStep[];
}

/** Who is who in one run: the JIDs that normalise to roles. */
export interface Parties {
  account: string;
  domain: string;
  sender: string;
  sink: string;
  /** Appended to every account resource label when it binds. */
  resourceSuffix: string;
}

/** A JID as a role: the account (with its resource label), B, S, the domain; anything else is kept. */
export function normaliseJid(jid: string | undefined, parties: Parties): string {
  if (jid === undefined || jid === "") return "-";
  if (jid === parties.domain) return "D";
  const slash = jid.indexOf("/");
  const bare = slash < 0 ? jid : jid.slice(0, slash);
  const resource = slash < 0 ? null : jid.slice(slash + 1);
  const bareOf = (full: string) => full.split("/")[0] ?? full;
  if (bare === parties.account) {
    if (resource === null) return "A";
    const label = parties.resourceSuffix !== "" && resource.endsWith(parties.resourceSuffix) ? resource.slice(0, -parties.resourceSuffix.length) : resource;
    return `A/${label}`;
  }
  if (bare === bareOf(parties.sender)) return resource === null ? "B" : "B/*";
  if (bare === bareOf(parties.sink)) return resource === null ? "S" : "S/*";
  return `other:${jid}`;
}

/** The judge's name for a publish without a node attribute (src/scenarios/judge.ts). */
export const NO_NODE = "(no node)";

export function publishLine(p: ObservedPublish, parties: Parties): string {
  const s = p.summary;
  const fields = s
    ? [
        `count=${s.messageCount ?? "-"}`,
        `sender=${s.lastMessageSender === undefined ? "-" : normaliseJid(s.lastMessageSender, parties)}`,
        `body=${s.lastMessageBody === undefined ? "-" : JSON.stringify(s.lastMessageBody)}`,
      ]
    : ["no summary"];
  // A registration without a node (Prosody accepts one) publishes without a node attribute.
  const node = p.nodeLabel ?? (p.node === "" ? NO_NODE : "?");
  return `${node} ${p.kind} ${fields.join(" ")}`;
}

export function deliveryLine(d: ObservedDelivery, parties: Parties): string {
  const who = d.role === "account" ? d.resource : d.role === "sender" ? "B" : "S";
  // RFC 6120 §8.3.1 lets an error bounce include the original payload or not (ejabberd does,
  // Prosody and the reference server do not): a bounce's body is not compared.
  const body = d.type === "error" && d.error ? "(bounce)" : d.body === undefined ? "-" : JSON.stringify(d.body);
  const parts = [`${who} ← ${d.type}`, `from=${normaliseJid(d.from, parties)}`, `body=${body}`];
  if (d.delay) parts.push("delayed");
  if (d.error) parts.push(`error=${d.error.condition}`);
  return parts.join(" ");
}

export function iqLine(iq: IqOutcome): string {
  if (iq.outcome === "error") return `error ${iq.error?.condition ?? "?"}`;
  return iq.outcome;
}

export function stepOf(op: string, publishes: readonly ObservedPublish[], deliveries: readonly ObservedDelivery[], parties: Parties): TraceStep {
  return {
    op,
    publishes: publishes.map((p) => publishLine(p, parties)).sort(),
    deliveries: deliveries.map((d) => deliveryLine(d, parties)).sort(),
  };
}
