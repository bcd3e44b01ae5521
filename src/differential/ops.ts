/**
 * The operations a differential sequence is made of, over one account: its resources A1-A3, the
 * sender B and the App Server sink S. Plain records built only from fast-check's records,
 * constants and arrays (no `map`), so that fast-check can shrink a sequence it did not generate
 * itself (the `examples` of a re-check), which is how a divergence is shrunk.
 */
import fc from "fast-check";
import type { MessageType, StanzaErrorSpec } from "../protocol/policy/types";

export const RESOURCES = ["A1", "A2", "A3"] as const;
export type ResourceLabel = (typeof RESOURCES)[number];

export const SHOWS = ["available", "chat", "away", "xa", "dnd", "unavailable"] as const;
export type PresenceShow = (typeof SHOWS)[number];
/** Negative priorities take a resource out of bare-JID delivery (RFC 6121 §8.5.2.1.1). */
export const PRIORITIES = [0, 1, -1, 5] as const;
export const MESSAGE_TYPES: readonly MessageType[] = ["chat", "normal", "headline", "groupchat", "error"];
export const NODES = ["N1", "N2"] as const;

/** How the App Server answers from now on: each error is one XEP-0357 §8 / RFC 6120 §8.3.2 class. */
export const ANSWERS = ["result", "silent", "wait", "cancel", "auth", "modify"] as const;
export type AnswerKind = (typeof ANSWERS)[number];

export const ANSWER_ERRORS: Record<Exclude<AnswerKind, "result" | "silent">, StanzaErrorSpec> = {
  wait: { type: "wait", condition: "resource-constraint" },
  cancel: { type: "cancel", condition: "item-not-found" },
  auth: { type: "auth", condition: "not-authorized" },
  modify: { type: "modify", condition: "bad-request" },
};

export type Op =
  | { op: "connect"; r: ResourceLabel; sm: boolean }
  | { op: "presence"; r: ResourceLabel; show: PresenceShow; priority: number }
  | { op: "enable"; r: ResourceLabel; node: (typeof NODES)[number]; away: boolean }
  | { op: "disable"; r: ResourceLabel; node: (typeof NODES)[number] | "all" }
  | { op: "send"; type: MessageType; body: boolean; to: "bare" | ResourceLabel }
  | { op: "answer"; answer: AnswerKind }
  | { op: "disconnect"; r: ResourceLabel }
  /** The app is killed: the socket drops without `</close>`; with XEP-0198 the session hibernates. */
  | { op: "drop"; r: ResourceLabel };

const resource = fc.constantFrom(...RESOURCES);

/** One operation. Connects and sends are weighted up: most other operations need a connected resource. */
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("connect" as const), r: resource, sm: fc.boolean() }), weight: 4 },
  {
    arbitrary: fc.record({ op: fc.constant("presence" as const), r: resource, show: fc.constantFrom(...SHOWS), priority: fc.constantFrom(...PRIORITIES) }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant("enable" as const), r: resource, node: fc.constantFrom(...NODES), away: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("disable" as const), r: resource, node: fc.constantFrom(...NODES, "all" as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant("send" as const),
      type: fc.constantFrom(...MESSAGE_TYPES),
      body: fc.boolean(),
      to: fc.constantFrom("bare" as const, ...RESOURCES),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant("answer" as const), answer: fc.constantFrom(...ANSWERS) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("disconnect" as const), r: resource }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("drop" as const), r: resource }), weight: 1 },
);

export const MIN_OPS = 2;
export const MAX_OPS = 8;

/** A raw sequence; `validSequence` keeps the operations that make sense in order. */
export const sequenceArbitrary: fc.Arbitrary<Op[]> = fc.array(opArbitrary, { minLength: MIN_OPS, maxLength: MAX_OPS });

type ResourceState = "off" | "online" | "online-sm" | "gone";

/**
 * The operations of `ops` that apply where they stand: presence, enable, disable, disconnect and
 * drop need their resource online (drop: with XEP-0198, so that the server hibernates it), a
 * connect needs it never connected or cleanly gone; a dropped resource stays gone (its session
 * is hibernated until the run ends). Sends and answers always apply. Filtering instead of
 * generating only valid operations keeps every shrink of a sequence a sequence.
 */
export function validSequence(ops: readonly Op[]): Op[] {
  const state = new Map<ResourceLabel, ResourceState>(RESOURCES.map((r) => [r, "off"]));
  const kept: Op[] = [];
  for (const op of ops) {
    if (op.op === "send" || op.op === "answer") {
      kept.push(op);
      continue;
    }
    const now = state.get(op.r) ?? "off";
    const online = now === "online" || now === "online-sm";
    switch (op.op) {
      case "connect":
        if (online || now === "gone") continue;
        state.set(op.r, op.sm ? "online-sm" : "online");
        break;
      case "disconnect":
        if (!online) continue;
        state.set(op.r, "off");
        break;
      case "drop":
        if (now !== "online-sm") continue;
        state.set(op.r, "gone");
        break;
      default:
        if (!online) continue;
    }
    kept.push(op);
  }
  return kept;
}

/** Whether some resource was dropped with XEP-0198 before operation `index` (its session hibernates). */
export function hibernatedBefore(ops: readonly Op[], index: number): boolean {
  return ops.slice(0, index).some((o) => o.op === "drop");
}

/** One human line per operation, as in the harness's step log. */
export function describeOp(op: Op): string {
  switch (op.op) {
    case "connect":
      return `${op.r} connect${op.sm ? " (XEP-0198)" : ""}`;
    case "presence":
      return `${op.r} presence ${op.show}${op.show === "unavailable" ? "" : ` priority ${op.priority}`}`;
    case "enable":
      return `${op.r} enable ${op.node}${op.away ? " away=true" : ""}`;
    case "disable":
      return `${op.r} disable ${op.node === "all" ? "(every node)" : op.node}`;
    case "send":
      return `B → ${op.to === "bare" ? "account (bare)" : op.to}: ${op.type}${op.body ? "" : " without body"}`;
    case "answer":
      return `S answers ${op.answer === "result" || op.answer === "silent" ? op.answer : `${ANSWER_ERRORS[op.answer].type}/${ANSWER_ERRORS[op.answer].condition}`}`;
    case "disconnect":
      return `${op.r} disconnect`;
    case "drop":
      return `${op.r} drop socket (app killed)`;
  }
}
