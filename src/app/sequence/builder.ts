/**
 * The sequence model kept up to date as the timeline changes. A live timeline mostly grows at its
 * end: new events are appended, a late server-log decision is merged a little before the end, a
 * recent message is patched with its receipts and push links. So the builder keeps checkpoints
 * (the state after every so many events, where nothing is pending) and on each update redraws only
 * from the last checkpoint before the first event that changed. Verdicts depend on events anywhere
 * after their message, so they are looked up again for every message row each time (a map lookup
 * per message). A full build is the same path from the first checkpoint.
 *
 * A builder's options are fixed (a view that opens a folded group, or changes the burst size,
 * starts a new builder). Models from one builder share their `rowOfEvent` index: use the latest.
 */
import type { MessageSentEvent, TimelineEvent } from "../model";
import { causalIndexes } from "./causal";
import { collapsedRow, DEFAULT_PRESENCE_BURST, type Placed } from "./collapse";
import { NO_NAMES, participantsOf, readNames, type LaneNames } from "./participants";
import { eventRows, isNoise, isPresenceChange, withVerdict } from "./rows";
import type { ArrowRow, CollapsedRow, SequenceModel, SequenceOptions, SequenceRow, SequenceStats } from "./types";
import { DEFAULT_PUSH_WAIT_MS, nowOf, sameVerdict, VerdictIndex, type VerdictOf } from "./verdicts";

/** The build's state where every event before `index` is drawn, none after, and no run is pending. */
interface Checkpoint {
  index: number;
  /** What events before `index` tell about the participants. */
  names: LaneNames;
  rows: number;
  messages: number;
  /** Publish arrows drawn before it (they never change once drawn). */
  pushes: number;
  skipped: number;
  collapsedEvents: number;
}

/** Events between checkpoints: an update redraws at most about this many plus what changed. */
const CHECKPOINT_EVERY = 64;

export interface SequenceBuilder {
  /** The model of `events` (timeline order); `now` overrides the options' (for the push wait at the live end). */
  update(events: readonly TimelineEvent[], now?: number): SequenceModel;
}

/** Counts over the rows that the view's header shows. */
export function rowStats(rows: readonly SequenceRow[]): Pick<SequenceStats, "rows" | "pushes" | "notPushed"> {
  let pushes = 0;
  let notPushed = 0;
  for (const row of rows) {
    if (row.kind !== "arrow") continue;
    if (row.arrow === "publish" && row.tone === "push") pushes += 1;
    if (row.verdict && !row.verdict.pushed) notPushed += 1;
  }
  return { rows: rows.length, pushes, notPushed };
}

function firstDifference(a: readonly TimelineEvent[], b: readonly TimelineEvent[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Whether every participant drawn before keeps its label (new ones may have come). */
function labelsKept(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): boolean {
  for (const [id, label] of before) if (after.get(id) !== label) return false;
  return true;
}

export function createSequenceBuilder(options: SequenceOptions = {}): SequenceBuilder {
  const collapse = options.collapse ?? true;
  const burst = options.presenceBurst ?? DEFAULT_PRESENCE_BURST;
  const expanded = options.expanded;
  const start: Checkpoint = { index: 0, names: NO_NAMES, rows: 0, messages: 0, pushes: 0, skipped: 0, collapsedEvents: 0 };
  const verdictIndex = new VerdictIndex();

  let prev: readonly TimelineEvent[] = [];
  let prevNow: number | undefined;
  let last: SequenceModel | null = null;
  let labels = new Map<string, string>();
  let rows: SequenceRow[] = [];
  let rowOfEvent = new Map<string, number>();
  /** Row index of every message arrow, with its event (for the verdict refresh). */
  let messageRows: number[] = [];
  let messageEvents: MessageSentEvent[] = [];
  let checkpoints: Checkpoint[] = [start];
  let skipped = 0;
  let collapsedEvents = 0;
  let pushes = 0;

  function index(id: string, row: number): void {
    if (!rowOfEvent.has(id)) rowOfEvent.set(id, row);
  }

  /** Back to the state at `cp`: later rows go, and so do their index entries. */
  function rewind(cp: Checkpoint): void {
    if (cp.rows === 0) rowOfEvent = new Map();
    else {
      const drop = (id: string) => {
        const at = rowOfEvent.get(id);
        if (at !== undefined && at >= cp.rows) rowOfEvent.delete(id);
      };
      for (let r = cp.rows; r < rows.length; r++) {
        const row = rows[r]!;
        if (row.kind === "collapsed") row.eventIds.forEach(drop);
        else drop(row.eventId);
      }
    }
    // New arrays: the previous model keeps its rows.
    rows = rows.slice(0, cp.rows);
    messageRows = messageRows.slice(0, cp.messages);
    messageEvents = messageEvents.slice(0, cp.messages);
    checkpoints = checkpoints.filter((c) => c.index <= cp.index);
    skipped = cp.skipped;
    collapsedEvents = cp.collapsedEvents;
    pushes = cp.pushes;
  }

  /** Messages drawn before the checkpoint may have a new verdict (a decision or push came later). */
  function refreshVerdicts(verdictOf: VerdictOf): void {
    for (let m = 0; m < messageRows.length; m++) {
      const r = messageRows[m]!;
      const row = rows[r] as ArrowRow;
      const verdict = verdictOf(messageEvents[m]!);
      if (!sameVerdict(row.verdict, verdict)) rows[r] = withVerdict(row, verdict);
    }
  }

  function scan(events: readonly TimelineEvent[], from: number, ofLane: (lane: string) => string | null, labelOf: (id: string) => string, verdictOf: VerdictOf): void {
    const emit = ({ e, p }: Placed) => {
      for (const row of eventRows(e, { participant: p, verdictOf })) {
        if (row.kind === "arrow" && row.arrow === "message" && e.kind === "message-sent") {
          messageRows.push(rows.length);
          messageEvents.push(e);
        }
        if (row.kind === "arrow" && row.arrow === "publish" && row.tone === "push") pushes += 1;
        index(row.eventId, rows.length);
        rows.push(row);
      }
    };
    const fold = (group: CollapsedRow["group"], folded: readonly Placed[]) => {
      const row = collapsedRow(group, folded, labelOf);
      for (const id of row.eventIds) index(id, rows.length);
      rows.push(row);
      collapsedEvents += folded.length;
    };
    const isOpen = (folded: readonly Placed[]) => expanded?.has(folded[0]!.e.id) ?? false;

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

    let drawn = from;
    let highest = from - 1;
    let names = checkpoints[checkpoints.length - 1]!.names;
    let namesAt = checkpoints[checkpoints.length - 1]!.index;
    for (const i of causalIndexes(events, from)) {
      const e = events[i]!;
      drawn += 1;
      if (i > highest) highest = i;
      const p = ofLane(e.lane);
      if (p === null) skipped += 1;
      else if (collapse && (isPresenceChange(e) || isNoise(e, p))) run.push({ e, p });
      else {
        flush();
        emit({ e, p });
      }
      // Everything before `drawn` is drawn and nothing after: a state to come back to.
      if (run.length === 0 && highest + 1 === drawn && drawn - checkpoints[checkpoints.length - 1]!.index >= CHECKPOINT_EVERY) {
        names = readNames(names, events, namesAt, drawn);
        namesAt = drawn;
        checkpoints.push({ index: drawn, names, rows: rows.length, messages: messageRows.length, pushes, skipped, collapsedEvents });
      }
    }
    flush();
  }

  return {
    update(events, now) {
      if (last && events === prev && now === prevNow) return last;
      const opts = now === undefined ? options : { ...options, now };
      let changedAt = firstDifference(prev, events);
      let cp = start;
      for (const c of checkpoints) if (c.index <= changedAt) cp = c;
      const participants = participantsOf(readNames(cp.names, events, cp.index), opts);
      const nextLabels = new Map(participants.list.map((p): [string, string] => [p.id, p.label]));
      // Folded rows name participants: a label that changed means drawing everything again.
      if (!labelsKept(labels, nextLabels)) {
        changedAt = 0;
        cp = start;
      }
      verdictIndex.rewind(changedAt);
      verdictIndex.readTo(events);
      const verdictOf = verdictIndex.verdictOf(nowOf(events, opts), opts.pushWaitMs ?? DEFAULT_PUSH_WAIT_MS);
      rewind(cp);
      refreshVerdicts(verdictOf);
      const labelOf = (id: string) => nextLabels.get(id) ?? id;
      scan(events, cp.index, participants.ofLane, labelOf, verdictOf);

      prev = events;
      prevNow = now;
      labels = nextLabels;
      let notPushed = 0;
      for (const r of messageRows) if ((rows[r] as ArrowRow).verdict?.pushed === false) notPushed += 1;
      last = { participants: participants.list, rows, rowOfEvent, stats: { events: events.length, rows: rows.length, collapsedEvents, skipped, pushes, notPushed } };
      return last;
    },
  };
}
