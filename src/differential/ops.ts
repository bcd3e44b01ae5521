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
/** An enable's node: `none` sends no node attribute (XEP-0357 §5 says it is required; Prosody accepts it, ejabberd refuses it). */
export const ENABLE_NODES = [...NODES, "none"] as const;
export type EnableNode = (typeof ENABLE_NODES)[number];

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
  | { op: "enable"; r: ResourceLabel; node: EnableNode; away: boolean }
  | { op: "disable"; r: ResourceLabel; node: (typeof NODES)[number] | "all" }
  | { op: "send"; type: MessageType; body: boolean; to: "bare" | ResourceLabel }
  | { op: "answer"; answer: AnswerKind }
  | { op: "disconnect"; r: ResourceLabel }
  /** The app is killed: the socket drops without `</close>`; with XEP-0198 the session hibernates. */
  | { op: "drop"; r: ResourceLabel }
  /** The killed app comes back within the resumption window: XEP-0198 `<resume/>` of the session a `drop` left hibernating. */
  | { op: "resume"; r: ResourceLabel }
  /** `--timers`: the app freezes with its socket open and stops answering `<r/>` (timer-sequence.ts). */
  | { op: "withhold"; r: ResourceLabel }
  /** `--timers`: nothing happens for longer than the server's ack timer (the target's `outwaitMs`). */
  | { op: "outwait" };

/** Sessions are opened on A1 and A2; A3 is only ever a full JID nobody holds (RFC 6121 §8.5.3.2). */
const resource = fc.constantFrom<ResourceLabel>("A1", "A2");
/** Chat and normal (the types servers push for) come up more often than the other three. */
const messageType = fc.constantFrom<MessageType>("chat", "normal", "chat", "headline", "normal", "groupchat", "chat", "error");
/** One enable in five without a node. */
const enableNode = fc.constantFrom<EnableNode>("N1", "N2", "N1", "N2", "none");

/**
 * One operation. Sends and enables are weighted up, and so are the ways an enabling session goes
 * (disconnect, drop): a push needs an enable, the enabler gone and a message, in that order.
 */
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("connect" as const), r: resource, sm: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({ op: fc.constant("presence" as const), r: resource, show: fc.constantFrom(...SHOWS), priority: fc.constantFrom(...PRIORITIES) }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant("enable" as const), r: resource, node: enableNode, away: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant("disable" as const), r: resource, node: fc.constantFrom(...NODES, "all" as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant("send" as const),
      type: messageType,
      body: fc.constantFrom(true, false, true),
      to: fc.constantFrom("bare" as const, ...RESOURCES),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant("answer" as const), answer: fc.constantFrom(...ANSWERS) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("disconnect" as const), r: resource }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("drop" as const), r: resource }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("resume" as const), r: resource }), weight: 1 },
);

export const MIN_OPS = 2;
export const MAX_OPS = 8;

type EnableOp = Extract<Op, { op: "enable" }>;
type SendOp = Extract<Op, { op: "send" }>;

/**
 * How the enabling device goes in a B.2-shaped sequence. `drop-resume`: a phone app that is
 * online (available presence before it enables, so that messages to the bare JID are queued to
 * its session once it hibernates), is killed, and resumes after the message.
 */
export type Leave = "disconnect" | "drop" | "stay" | "drop-resume";

/**
 * What fast-check generates: either free operations, or the shape of table B.2's rows (other
 * operations, a device enables, then closes its stream, drops it or stays, more operations, a
 * message, a last operation), which random operations alone rarely line up. `opsOf` flattens both.
 */
export type RawSequence =
  | { free: Op[] }
  | { before: Op[]; enable: EnableOp; leave: Leave; between: Op[]; send: SendOp; after: Op[] }
  /** `--timers` (timer-sequence.ts): the enabling resource freezes, a message comes, the server's ack timer runs out. */
  | { before: Op[]; enable: EnableOp; withhold: true; between: Op[]; send: SendOp; after: Op[] }
  /**
   * The other resource disables the enabler's node (or every node) before the enabler goes:
   * Prosody's push_disable clears only the disabling session's push_identifier, so the enabler's
   * smacks queue still pushes it (README "Differential runs"). Random operations rarely line it up.
   */
  | { before: Op[]; enable: EnableOp; crossDisable: "node" | "all"; leave: "disconnect" | "drop" | "stay"; between: Op[]; send: SendOp; after: Op[] };

export const enableArbitrary = fc.record({ op: fc.constant("enable" as const), r: resource, node: enableNode, away: fc.boolean() });
export const sendArbitrary = fc.record({ op: fc.constant("send" as const), type: messageType, body: fc.constantFrom(true, false, true), to: fc.constantFrom("bare" as const, ...RESOURCES) });

export const sequenceArbitrary: fc.Arbitrary<RawSequence> = fc.oneof(
  { arbitrary: fc.record({ free: fc.array(opArbitrary, { minLength: MIN_OPS, maxLength: MAX_OPS }) }), weight: 1 },
  {
    arbitrary: fc.record({
      before: fc.array(opArbitrary, { maxLength: 2 }),
      enable: enableArbitrary,
      leave: fc.constantFrom<Leave>("disconnect", "drop", "stay", "drop-resume"),
      between: fc.array(opArbitrary, { maxLength: 2 }),
      send: sendArbitrary,
      after: fc.array(opArbitrary, { maxLength: 1 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      before: fc.array(opArbitrary, { maxLength: 1 }),
      enable: enableArbitrary,
      crossDisable: fc.constantFrom("node" as const, "all" as const),
      leave: fc.constantFrom("drop" as const, "stay" as const, "disconnect" as const, "drop" as const),
      between: fc.array(opArbitrary, { maxLength: 1 }),
      send: sendArbitrary,
      after: fc.array(opArbitrary, { maxLength: 1 }),
    }),
    weight: 1,
  },
);

/** The account's other resource (sessions are opened on A1 and A2 only). */
function otherResource(r: ResourceLabel): ResourceLabel {
  return r === "A1" ? "A2" : "A1";
}

/** The operations of a generated sequence, in order (before `validSequence`). */
export function opsOf(raw: RawSequence): Op[] {
  if ("free" in raw) return raw.free;
  if ("withhold" in raw) {
    // The frozen resource needs XEP-0198 (the server's <r/>): it connects with it first.
    const r = raw.enable.r;
    return [{ op: "connect", r, sm: true }, ...raw.before, raw.enable, { op: "withhold", r }, ...raw.between, raw.send, { op: "outwait" }, ...raw.after];
  }
  const r = raw.enable.r;
  if ("crossDisable" in raw) {
    const leave: Op[] = raw.leave === "stay" ? [] : [{ op: raw.leave, r }];
    const disable: Op = { op: "disable", r: otherResource(r), node: raw.crossDisable === "all" || raw.enable.node === "none" ? "all" : raw.enable.node };
    // A dropped enabler needs XEP-0198 to hibernate: it connects with it first.
    const connect: Op[] = raw.leave === "drop" ? [{ op: "connect", r, sm: true }] : [];
    return [...connect, ...raw.before, raw.enable, disable, ...leave, ...raw.between, raw.send, ...raw.after];
  }
  const leave: Op[] = raw.leave === "stay" ? [] : [{ op: raw.leave === "drop-resume" ? "drop" : raw.leave, r }];
  const resumes = raw.leave === "drop-resume";
  const online: Op[] = resumes ? [{ op: "presence", r, show: "available", priority: 0 }] : [];
  const back: Op[] = resumes ? [{ op: "resume", r }] : [];
  return [...raw.before, ...online, raw.enable, ...leave, ...raw.between, raw.send, ...back, ...raw.after];
}

/** `hibernated`: dropped with XEP-0198, until a `resume`; `gone`: frozen (`withhold`) until the run ends. */
type ResourceState = "off" | "online" | "online-sm" | "hibernated" | "gone";

/** The session an operation on an unconnected resource implies: A2, the device that registers in the catalogue, resumable (XEP-0198). */
export function impliedConnect(r: ResourceLabel): Extract<Op, { op: "connect" }> {
  return { op: "connect", r, sm: r === "A2" };
}

/**
 * The sequence that `ops` means, in order: presence, enable, disable, drop and withhold on a
 * resource that is not connected first connect it (`impliedConnect`; drop and withhold with
 * XEP-0198, so that the server hibernates it or asks it for acks); a drop or withhold of a session
 * without XEP-0198, a disconnect of a resource that is not connected and a connect of one that is
 * are left out; a dropped resource's session hibernates until a `resume` (a `resume` of a session
 * with XEP-0198 that is still connected first drops it; any other is left out), and a frozen one
 * stays frozen until the run ends; an `outwait` is kept once after each `withhold`. Sends and
 * answers always apply. Interpreting instead of generating only valid operations keeps every shrink of a
 * sequence a sequence.
 */
export function validSequence(ops: readonly Op[]): Op[] {
  const state = new Map<ResourceLabel, ResourceState>(RESOURCES.map((r) => [r, "off"]));
  const kept: Op[] = [];
  const connect = (op: Extract<Op, { op: "connect" }>) => {
    state.set(op.r, op.sm ? "online-sm" : "online");
    kept.push(op);
  };
  let outwaitDue = false;
  for (const op of ops) {
    if (op.op === "send" || op.op === "answer") {
      kept.push(op);
      continue;
    }
    if (op.op === "outwait") {
      // One wait per frozen resource: a second would only make the sequence slower.
      if (outwaitDue) kept.push(op);
      outwaitDue = false;
      continue;
    }
    const now = state.get(op.r) ?? "off";
    if (op.op === "resume") {
      if (now !== "hibernated" && now !== "online-sm") continue;
      if (now === "online-sm") kept.push({ op: "drop", r: op.r });
      state.set(op.r, "online-sm");
      kept.push(op);
      continue;
    }
    if (now === "gone" || now === "hibernated") continue;
    const online = now === "online" || now === "online-sm";
    switch (op.op) {
      case "connect":
        if (!online) connect(op);
        continue;
      case "disconnect":
        if (!online) continue;
        state.set(op.r, "off");
        break;
      case "drop":
      case "withhold":
        if (now === "online") continue;
        if (now === "off") connect({ op: "connect", r: op.r, sm: true });
        state.set(op.r, op.op === "drop" ? "hibernated" : "gone");
        if (op.op === "withhold") outwaitDue = true;
        break;
      default:
        if (!online) connect(impliedConnect(op.r));
    }
    kept.push(op);
  }
  return kept;
}

/** Whether some resource was dropped with XEP-0198, or froze, before operation `index` (its session may hibernate). */
export function hibernatedBefore(ops: readonly Op[], index: number): boolean {
  return ops.slice(0, index).some((o) => o.op === "drop" || o.op === "withhold");
}

/** One human line per operation, as in the harness's step log. */
export function describeOp(op: Op): string {
  switch (op.op) {
    case "connect":
      return `${op.r} connect${op.sm ? " (XEP-0198)" : ""}`;
    case "presence":
      return `${op.r} presence ${op.show}${op.show === "unavailable" ? "" : ` priority ${op.priority}`}`;
    case "enable":
      return `${op.r} enable ${op.node === "none" ? "(no node)" : op.node}${op.away ? " away=true" : ""}`;
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
    case "resume":
      return `${op.r} resume (XEP-0198)`;
    case "withhold":
      return `${op.r} withholds acks (app frozen, socket open)`;
    case "outwait":
      return "wait past the server's ack timer";
  }
}
