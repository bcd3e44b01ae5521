/**
 * `buildSequence`: timeline events (in timeline order) → the Sequence view's model. Linear in the
 * number of events (a few milliseconds per thousand), so it can be rebuilt when the timeline
 * changes; long sessions stay readable because presence bursts and stream noise fold into one row
 * each (unless the user opened them). Effects observed before their message are drawn after it
 * (`causalOrder`).
 */
import type { MessageSentEvent, PresenceEvent, TimelineEvent } from "../model";
import { causalOrder } from "./causal";
import { collectParticipants, SERVER_ID } from "./participants";
import { decisionPushed, eventRows, isMessageDecision, isNoise, isPresenceChange } from "./rows";
import { oneLine, plural } from "./text";
import type { CollapsedRow, Participant, PushVerdict, SequenceModel, SequenceOptions, SequenceRow, SequenceStats } from "./types";

export const DEFAULT_PRESENCE_BURST = 3;
export const DEFAULT_PUSH_WAIT_MS = 10_000;

interface Placed {
  e: TimelineEvent;
  p: string;
}

/** Per sent message: the server's decision when logged, else what the sink saw (or did not, after the wait). */
function verdicts(events: readonly TimelineEvent[], options: SequenceOptions): (e: MessageSentEvent) => PushVerdict | undefined {
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

function presenceWord(e: PresenceEvent): string {
  return !e.available ? "unavailable" : (e.show ?? "available");
}

function noiseWord(e: TimelineEvent): string {
  switch (e.kind) {
    case "connection":
      return "connection step";
    case "presence":
      return "incoming presence";
    case "disco":
      return "disco#info";
    case "raw-send":
      return "raw stanza";
    default:
      return e.kind;
  }
}

function collapsedRow(group: CollapsedRow["group"], run: readonly Placed[], labelOf: (id: string) => string): CollapsedRow {
  const first = run[0]!;
  const touched = new Set<string>();
  for (const { e, p } of run) {
    touched.add(p);
    if (e.kind !== "connection") touched.add(SERVER_ID);
  }
  let text: string;
  if (group === "presence") {
    const last = new Map<string, string>();
    let changes = 0;
    for (const { e, p } of run) {
      if (!isPresenceChange(e)) continue;
      changes += 1;
      last.delete(p); // keep the order of the latest change
      last.set(p, presenceWord(e));
    }
    const others = run.length - changes;
    const now = [...last].map(([p, word]) => `${labelOf(p)} ${word}`).join(", ");
    text = `${plural(changes, "presence change")}, now: ${now}${others > 0 ? ` (+${plural(others, "stream event")})` : ""}`;
  } else {
    const counts = new Map<string, number>();
    for (const { e } of run) counts.set(noiseWord(e), (counts.get(noiseWord(e)) ?? 0) + 1);
    text = `${plural(run.length, "stream event")}: ${[...counts].map(([word, n]) => plural(n, word)).join(", ")}`;
  }
  return {
    kind: "collapsed",
    key: `${first.e.id}#group`,
    eventId: first.e.id,
    at: first.e.at,
    lastAt: run[run.length - 1]!.e.at,
    tone: "muted",
    group,
    eventIds: run.map(({ e }) => e.id),
    count: run.length,
    participants: [...touched],
    text,
  };
}

export function buildSequence(events: readonly TimelineEvent[], options: SequenceOptions = {}): SequenceModel {
  const participants = collectParticipants(events, options);
  const labels = new Map(participants.list.map((p): [string, string] => [p.id, p.label]));
  const labelOf = (id: string) => labels.get(id) ?? id;
  const verdictOf = verdicts(events, options);
  const collapse = options.collapse ?? true;
  const burst = options.presenceBurst ?? DEFAULT_PRESENCE_BURST;
  const expanded = options.expanded;

  const rows: SequenceRow[] = [];
  let skipped = 0;
  let collapsedEvents = 0;
  const emit = ({ e, p }: Placed) => {
    for (const row of eventRows(e, { participant: p, verdictOf })) rows.push(row);
  };
  const fold = (group: CollapsedRow["group"], run: readonly Placed[]) => {
    rows.push(collapsedRow(group, run, labelOf));
    collapsedEvents += run.length;
  };
  const isOpen = (run: readonly Placed[]) => expanded?.has(run[0]!.e.id) ?? false;

  // Presence changes and noise wait here until something that matters ends the run.
  let run: Placed[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const changes = run.filter(({ e }) => isPresenceChange(e)).length;
    if (changes >= burst && !isOpen(run)) fold("presence", run);
    else {
      let noise: Placed[] = [];
      const flushNoise = () => {
        if (noise.length >= 2 && !isOpen(noise)) fold("noise", noise);
        else noise.forEach(emit);
        noise = [];
      };
      for (const placed of run) {
        if (isPresenceChange(placed.e)) {
          flushNoise();
          emit(placed);
        } else noise.push(placed);
      }
      flushNoise();
    }
    run = [];
  };

  for (const e of causalOrder(events)) {
    const p = participants.ofLane(e.lane);
    if (p === null) {
      skipped += 1;
      continue;
    }
    if (collapse && (isPresenceChange(e) || isNoise(e, p))) {
      run.push({ e, p });
      continue;
    }
    flush();
    emit({ e, p });
  }
  flush();

  return finishModel(participants.list, rows, { events: events.length, collapsedEvents, skipped });
}

/** Index the rows by event and count what the view's header shows. */
function finishModel(participants: Participant[], rows: SequenceRow[], counts: Pick<SequenceStats, "events" | "collapsedEvents" | "skipped">): SequenceModel {
  const rowOfEvent = new Map<string, number>();
  let pushes = 0;
  let notPushed = 0;
  rows.forEach((row, i) => {
    if (row.kind === "collapsed") {
      for (const id of row.eventIds) if (!rowOfEvent.has(id)) rowOfEvent.set(id, i);
      return;
    }
    if (!rowOfEvent.has(row.eventId)) rowOfEvent.set(row.eventId, i);
    if (row.kind === "arrow" && row.arrow === "publish" && row.tone === "push") pushes += 1;
    if (row.kind === "arrow" && row.verdict && !row.verdict.pushed) notPushed += 1;
  });
  return { participants, rows, rowOfEvent, stats: { ...counts, rows: rows.length, pushes, notPushed } };
}

/**
 * Rows `start` (inclusive) to `end` (exclusive) as a model of their own, for exporting a selection.
 * Participants stay (the lanes keep their places and names); counts describe the slice.
 */
export function sliceSequence(model: SequenceModel, start: number, end: number): SequenceModel {
  const from = Math.max(0, Math.min(start, model.rows.length));
  const to = Math.max(from, Math.min(end, model.rows.length));
  const rows = model.rows.slice(from, to);
  const folded = rows.reduce((n, row) => n + (row.kind === "collapsed" ? row.count : 0), 0);
  // An event drawn as two rows (an iq and its answer) counts once.
  const drawn = new Set(rows.filter((r) => r.kind !== "collapsed").map((r) => r.eventId)).size;
  return finishModel(model.participants, rows, { events: folded + drawn, collapsedEvents: folded, skipped: 0 });
}
