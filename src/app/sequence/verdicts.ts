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

/** Per sent message: the server's decision when logged, else what the sink saw (or did not, after the wait). */
export function verdicts(events: readonly TimelineEvent[], options: SequenceOptions): VerdictOf {
  const decided = new Map<string, PushVerdict>();
  const pushedIds = new Set<string>();
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.at > lastAt) lastAt = e.at;
    if (e.kind === "decision" && e.messageId && isMessageDecision(e)) {
      const pushed = decisionPushed(e);
      if (pushed === null) continue;
      decided.set(e.messageId, { pushed, source: "decision", reason: oneLine(e.reason ?? e.summary), ...(e.rule ? { rule: e.rule } : {}) });
    } else if (e.kind === "push" && e.causeEventId) {
      pushedIds.add(e.causeEventId);
    }
  }
  const now = options.now ?? lastAt;
  const wait = options.pushWaitMs ?? DEFAULT_PUSH_WAIT_MS;
  return (e) => {
    const decision = decided.get(e.messageId);
    if (decision) return decision;
    if (e.pushEventIds.length > 0 || pushedIds.has(e.id)) return { pushed: true, source: "observed", reason: "a push for it reached the App Server sink" };
    if (now - e.at >= wait) return { pushed: false, source: "observed", reason: "no push for it reached the App Server sink" };
    return undefined;
  };
}

/** Whether two verdicts say the same (so a drawn row can stay as it is). */
export function sameVerdict(a: PushVerdict | undefined, b: PushVerdict | undefined): boolean {
  if (!a || !b) return a === b;
  return a.pushed === b.pushed && a.source === b.source && a.reason === b.reason && a.rule === b.rule;
}
