/**
 * `buildSequence`: timeline events (in timeline order) → the Sequence view's model, in one go.
 * Linear in the number of events (a few milliseconds per thousand); a view that follows a live
 * timeline keeps a `createSequenceBuilder` instead, which redraws only what changed. Long sessions
 * stay readable because presence bursts and stream noise fold into one row each (unless the user
 * opened them); effects observed before their message are drawn after it (`causalIndexes`).
 */
import type { TimelineEvent } from "../model";
import { createSequenceBuilder, rowStats } from "./builder";
import type { SequenceModel, SequenceOptions, SequenceRow } from "./types";

export { DEFAULT_PRESENCE_BURST } from "./collapse";
export { DEFAULT_PUSH_WAIT_MS } from "./verdicts";

export function buildSequence(events: readonly TimelineEvent[], options: SequenceOptions = {}): SequenceModel {
  return createSequenceBuilder(options).update(events);
}

function indexRows(rows: readonly SequenceRow[]): Map<string, number> {
  const rowOfEvent = new Map<string, number>();
  rows.forEach((row, i) => {
    for (const id of row.kind === "collapsed" ? row.eventIds : [row.eventId]) if (!rowOfEvent.has(id)) rowOfEvent.set(id, i);
  });
  return rowOfEvent;
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
  return { participants: model.participants, rows, rowOfEvent: indexRows(rows), stats: { events: folded + drawn, collapsedEvents: folded, skipped: 0, ...rowStats(rows) } };
}
