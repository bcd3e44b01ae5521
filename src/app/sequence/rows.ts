/**
 * One timeline event → its rows in the diagram: the stanza it stands for as an arrow between two
 * participants (an iq with its answer as two), a state change as a note on its lane, a server
 * decision as a note on the server lane. Labels are short, one line, and untrusted (the exporters
 * escape them).
 */
import { NS } from "../../protocol/ns";
import type {
  ConnectionEvent,
  DecisionEvent,
  DisableEvent,
  EnableEvent,
  IqOutcome,
  MessageReceivedEvent,
  MessageSentEvent,
  PlaygroundError,
  PresenceEvent,
  PushEvent,
  SinkAnswerEvent,
  TimelineEvent,
} from "../model";
import { APP_SERVER_ID, SENDER_ID, SERVER_ID } from "./participants";
import { oneLine, plural, quote, truncate } from "./text";
import type { ArrowKind, ArrowRow, NoteRow, PushVerdict, SequenceRow, Tone } from "./types";

export interface RowContext {
  /** Participant of the event's lane (the caller only passes events whose lane has one). */
  participant: string;
  /** The push verdict of a sent message (decision, observed push, or none seen). */
  verdictOf(e: MessageSentEvent): PushVerdict | undefined;
}

function arrow(e: TimelineEvent, kind: ArrowKind, from: string, to: string, label: string, tone: Tone = "normal", dashed = false, keySuffix = ""): ArrowRow {
  return { kind: "arrow", key: e.id + keySuffix, eventId: e.id, at: e.at, tone, arrow: kind, from, to, label, dashed };
}

function note(e: TimelineEvent, over: string, text: string, tone: Tone = "normal"): NoteRow {
  return { kind: "note", key: e.id, eventId: e.id, at: e.at, tone, over: [over], text };
}

function errorWords(error: PlaygroundError | undefined): string {
  if (!error) return "error";
  if (error.condition) return `error ${error.type ? `${error.type}/` : ""}${error.condition}`;
  return `error: ${truncate(oneLine(error.message), 60)}`;
}

function iqAnswer(outcome: IqOutcome, error: PlaygroundError | undefined): { label: string; tone: Tone } {
  if (outcome === "result") return { label: "result", tone: "normal" };
  if (outcome === "timeout") return { label: "no answer (timeout)", tone: "error" };
  return { label: errorWords(error), tone: "error" };
}

/** `presence away (prio 5) “on the train”`, `presence unavailable`. */
export function presenceLabel(e: Pick<PresenceEvent, "available" | "show" | "priority" | "status">): string {
  const what = !e.available ? "unavailable" : (e.show ?? "available");
  const prio = e.available && e.priority !== 0 ? ` (prio ${e.priority})` : "";
  const status = e.status ? ` ${quote(e.status, 24)}` : "";
  return `presence ${what}${prio}${status}`;
}

function connectionRows(e: ConnectionEvent, p: string): SequenceRow[] {
  switch (e.sm) {
    case "killed":
      return [note(e, p, "app killed: socket dropped without </close>", "warning")];
    case "resumed":
      return [note(e, p, `session resumed (XEP-0198), ${plural(e.redelivered ?? 0, "stanza")} redelivered`)];
    case "resume-failed":
      return [note(e, p, `resume failed${e.error ? `: ${truncate(oneLine(e.error.message), 60)}` : ""}`, "error")];
    case "expired":
      return [note(e, p, "hibernated session expired on the server", "warning")];
    case undefined:
      break;
  }
  switch (e.status) {
    case "online":
      return [note(e, p, "online")];
    case "offline":
      return [note(e, p, "disconnected")];
    case "failed":
      return [note(e, p, `connection failed${e.error ? `: ${truncate(oneLine(e.error.message), 60)}` : ""}`, "error")];
    case "connecting":
      return [note(e, p, "connecting", "muted")];
    case "disconnecting":
      return [note(e, p, "disconnecting", "muted")];
    default:
      return [note(e, p, oneLine(e.summary), "muted")];
  }
}

function messageLabel(e: MessageSentEvent): string {
  const burst = e.burst ? ` [${e.burst.index}/${e.burst.count}]` : "";
  if (e.sendKind === "chat-state") return `chat state (no body)${burst}`;
  return `${e.messageType} ${e.body !== undefined ? quote(e.body) : "(no body)"}${burst}`;
}

function sentRows(e: MessageSentEvent, p: string, ctx: RowContext): SequenceRow[] {
  return [withVerdict(arrow(e, "message", p, SERVER_ID, messageLabel(e)), ctx.verdictOf(e))];
}

/** A message arrow with its push verdict (or none yet). */
export function withVerdict(row: ArrowRow, verdict: PushVerdict | undefined): ArrowRow {
  const { verdict: _previous, ...rest } = row;
  // The publish arrow is the push's highlight; the message itself only shows the verdict.
  const tone: Tone = verdict && !verdict.pushed ? "no-push" : "normal";
  return verdict ? { ...rest, tone, verdict } : { ...rest, tone };
}

function receivedRows(e: MessageReceivedEvent, p: string): SequenceRow[] {
  if (e.messageType === "error") return [arrow(e, "delivery", SERVER_ID, p, `message error from ${e.from || "the server"}`, "error")];
  const what = e.body !== undefined ? quote(e.body) : "(no body)";
  return [arrow(e, "delivery", SERVER_ID, p, `${e.delayed ? "delayed " : ""}${e.messageType} ${what}`)];
}

function presenceRows(e: PresenceEvent, p: string): SequenceRow[] {
  if (e.direction === "out") return [arrow(e, "presence", p, SERVER_ID, presenceLabel(e))];
  return [arrow(e, "presence", SERVER_ID, p, `${presenceLabel(e)} from ${e.from ?? "?"}`, "muted")];
}

function enableRows(e: EnableEvent, p: string): SequenceRow[] {
  const answer = iqAnswer(e.outcome, e.error);
  return [
    arrow(e, "enable", p, SERVER_ID, `enable node ${e.node}${e.away ? " away=true" : ""}`),
    arrow(e, "enable", SERVER_ID, p, `enable: ${answer.label}`, answer.tone, true, "#answer"),
  ];
}

function disableRows(e: DisableEvent, p: string): SequenceRow[] {
  const answer = iqAnswer(e.outcome, e.error);
  return [
    arrow(e, "disable", p, SERVER_ID, `disable ${e.node !== null ? `node ${e.node}` : `all nodes of ${e.jid}`}`),
    arrow(e, "disable", SERVER_ID, p, `disable: ${answer.label}`, answer.tone, true, "#answer"),
  ];
}

function pushRows(e: PushEvent): SequenceRow[] {
  if (e.parseError) return [arrow(e, "publish", SERVER_ID, APP_SERVER_ID, `malformed publish: ${truncate(oneLine(e.parseError), 60)}`, "error")];
  const n = e.notification;
  const parts = [`push: publish node ${e.node ?? "(none)"}`];
  if (n?.messageCount !== undefined) parts.push(`count ${n.messageCount}`);
  if (n?.lastMessageBody !== undefined) parts.push(quote(n.lastMessageBody, 30));
  return [arrow(e, "publish", SERVER_ID, APP_SERVER_ID, parts.join(", "), "push")];
}

function sinkAnswerRows(e: SinkAnswerEvent): SequenceRow[] {
  const a = e.answer;
  if (a.kind === "timeout") return [note(e, APP_SERVER_ID, "leaves the publish unanswered (the server times out)", "warning")];
  if (a.kind === "error") return [arrow(e, "answer", APP_SERVER_ID, SERVER_ID, `publish: error ${a.type}/${a.condition}`, "error", true)];
  return [arrow(e, "answer", APP_SERVER_ID, SERVER_ID, "publish: result", "normal", true)];
}

/** Whether a message decision pushed: its summary says `push to N registration(s)` or `no push`. */
export function decisionPushed(e: DecisionEvent): boolean | null {
  if (/\bno push\b/.test(e.summary)) return false;
  if (/\bpush(?:es)? to \d+ registration/.test(e.summary)) return true;
  return null;
}

/** A decision about a message (it carries the message id), as opposed to presence, session and publish entries. */
export function isMessageDecision(e: DecisionEvent): boolean {
  return e.logKind === "message-decision" || (e.messageId !== undefined && e.messageId !== null && !e.logKind.startsWith("session-"));
}

function decisionRows(e: DecisionEvent): SequenceRow[] {
  const rule = e.rule ? ` [${e.rule}]` : "";
  if (isMessageDecision(e)) {
    const pushed = decisionPushed(e);
    const reason = oneLine(e.reason ?? e.summary);
    if (pushed === true) return [note(e, SERVER_ID, `push: ${reason}${rule}`, "push")];
    if (pushed === false) return [note(e, SERVER_ID, `no push: ${reason}${rule}`, "no-push")];
  }
  let tone: Tone = "normal";
  if (e.logKind === "registration-removed" || e.logKind === "session-expired") tone = "warning";
  else if (e.logKind === "presence-decision" || ((e.logKind === "session-hibernated" || e.logKind === "session-ack-overdue" || e.logKind === "session-wake-up") && /\bpushes to \d/.test(e.summary))) tone = "push";
  else if (e.logKind === "publish-outcome" && /→ remove\b/.test(e.summary)) tone = "warning";
  return [note(e, SERVER_ID, oneLine(e.summary), tone)];
}

function discoLabel(e: Extract<TimelineEvent, { kind: "disco" }>): string {
  if (e.outcome !== "result") return `disco#info ${e.jid}: ${iqAnswer(e.outcome, e.error).label}`;
  const push = e.features.includes(NS.push) ? "push ✓" : "push ✗";
  const away = e.features.includes(NS.pushAway) ? "away ✓" : "away ✗";
  return `disco#info ${e.jid}: ${push}, ${away}`;
}

/** The rows one event draws, on participant `ctx.participant` (its lane's). */
export function eventRows(e: TimelineEvent, ctx: RowContext): SequenceRow[] {
  const p = ctx.participant;
  switch (e.kind) {
    case "connection":
      return connectionRows(e, p);
    case "error":
      return [note(e, p, truncate(oneLine(e.summary), 120), "error")];
    case "presence":
      return presenceRows(e, p);
    case "disco":
      return [arrow(e, "disco", p, SERVER_ID, discoLabel(e), e.outcome === "result" ? "muted" : "error")];
    case "enable":
      return enableRows(e, p);
    case "disable":
      return disableRows(e, p);
    case "message-sent":
      return sentRows(e, p, ctx);
    case "message-received":
      return receivedRows(e, p);
    case "push":
      return pushRows(e);
    case "sink-answer":
      return sinkAnswerRows(e);
    case "remote-disable":
      return [arrow(e, "remote-disable", APP_SERVER_ID, SERVER_ID, `remote disable node ${e.node} (XEP-0357 §9)`, "warning")];
    case "raw-send":
      return [arrow(e, "raw", p, SERVER_ID, `raw <${e.element}>`, e.element === "message" ? "normal" : "muted")];
    case "decision":
      return decisionRows(e);
    default:
      // A kind added to the timeline after this module (or one in a hand-made file): not drawn, never a crash.
      return [];
  }
}

/**
 * Stream noise: steps that rarely explain a push and fill long sessions (connecting, disco,
 * presence broadcasts the account receives, raw non-message stanzas, the sender's and the sink's
 * own connection steps). Folded into one row when several come together.
 */
export function isNoise(e: TimelineEvent, participant: string): boolean {
  switch (e.kind) {
    case "connection":
      if (e.sm || e.status === "failed") return false;
      if (e.status === "connecting" || e.status === "disconnecting") return true;
      return participant === APP_SERVER_ID || participant === SENDER_ID;
    case "presence":
      return e.direction === "in";
    case "disco":
      return true;
    case "raw-send":
      return e.element !== "message";
    default:
      return false;
  }
}

/** A presence this account's resource sent: part of a burst when several come together. */
export function isPresenceChange(e: TimelineEvent): e is PresenceEvent {
  return e.kind === "presence" && e.direction === "out";
}
