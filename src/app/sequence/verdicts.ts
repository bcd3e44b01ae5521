/**
 * Whether each sent message was pushed: the server's logged decision when there is one, else what
 * the App Server sink saw (a push linked to it), else "none seen" once the session went on long
 * enough after it. Computed over all events, since a decision or a push arrives after its message.
 */
import type { MessageSentEvent, TimelineEvent } from "../model";
import { decisionPushed, isMessageDecision } from "./rows";
import { oneLine } from "./text";
import type { PushVerdict, SequenceOptions } from "./types";

export const DEFAULT_PUSH_WAIT_MS = 10_000;

export type VerdictOf = (e: MessageSentEvent) => PushVerdict | undefined;

/**
 * The decisions and pushes of a timeline, indexed by message, kept event by event so that a
 * builder can take back the end of the timeline and read its new end.
 */
export class VerdictIndex {
  /** Per message id, its decisions in timeline order (the last one counts). */
  private readonly decided = new Map<string, { index: number; verdict: PushVerdict }[]>();
  /** Per message event id, how many pushes name it as their cause. */
  private readonly pushed = new Map<string, number>();
  /** Everything added, in timeline order, to take it back from the end. */
  private readonly added: { index: number; decision?: string; push?: string }[] = [];
  private read = 0;

  /** Forget what events from `index` on contributed. */
  rewind(index: number): void {
    while (this.added.length > 0 && this.added[this.added.length - 1]!.index >= index) {
      const entry = this.added.pop()!;
      if (entry.decision !== undefined) {
        const list = this.decided.get(entry.decision)!;
        list.pop();
        if (list.length === 0) this.decided.delete(entry.decision);
      }
      if (entry.push !== undefined) {
        const n = this.pushed.get(entry.push)! - 1;
        if (n === 0) this.pushed.delete(entry.push);
        else this.pushed.set(entry.push, n);
      }
    }
    this.read = Math.min(this.read, index);
  }

  /** Read `events` from where the index stands to the end. */
  readTo(events: readonly TimelineEvent[]): void {
    for (let i = this.read; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === "decision" && e.messageId && isMessageDecision(e)) {
        const pushed = decisionPushed(e);
        if (pushed === null) continue;
        const verdict: PushVerdict = { pushed, source: "decision", reason: oneLine(e.reason ?? e.summary), ...(e.rule ? { rule: e.rule } : {}) };
        const list = this.decided.get(e.messageId);
        if (list) list.push({ index: i, verdict });
        else this.decided.set(e.messageId, [{ index: i, verdict }]);
        this.added.push({ index: i, decision: e.messageId });
      } else if (e.kind === "push" && e.causeEventId) {
        this.pushed.set(e.causeEventId, (this.pushed.get(e.causeEventId) ?? 0) + 1);
        this.added.push({ index: i, push: e.causeEventId });
      }
    }
    this.read = events.length;
  }

  /** The verdict of a message, as of `now` (a message without a decision or push waits `wait` ms for one). */
  verdictOf(now: number, wait: number): VerdictOf {
    return (e) => {
      const decisions = this.decided.get(e.messageId);
      if (decisions) return decisions[decisions.length - 1]!.verdict;
      if (e.pushEventIds.length > 0 || this.pushed.has(e.id)) return { pushed: true, source: "observed", reason: "a push for it reached the App Server sink" };
      if (now - e.at >= wait) return { pushed: false, source: "observed", reason: "no push for it reached the App Server sink" };
      return undefined;
    };
  }
}

/** "Now" for the push wait: the options' or the latest event's time. */
export function nowOf(events: readonly TimelineEvent[], options: SequenceOptions): number {
  if (options.now !== undefined) return options.now;
  let latest = Number.NEGATIVE_INFINITY;
  for (const e of events) if (e.at > latest) latest = e.at;
  return latest;
}

/** Per sent message: the server's decision when logged, else what the sink saw (or did not, after the wait). */
export function verdicts(events: readonly TimelineEvent[], options: SequenceOptions): VerdictOf {
  const index = new VerdictIndex();
  index.readTo(events);
  return index.verdictOf(nowOf(events, options), options.pushWaitMs ?? DEFAULT_PUSH_WAIT_MS);
}

/** Whether two verdicts say the same (so a drawn row can stay as it is). */
export function sameVerdict(a: PushVerdict | undefined, b: PushVerdict | undefined): boolean {
  if (!a || !b) return a === b;
  return a.pushed === b.pushed && a.source === b.source && a.reason === b.reason && a.rule === b.rule;
}
