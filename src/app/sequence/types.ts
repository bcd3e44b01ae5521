/**
 * The Sequence view's model: participants (vertical lanes) and rows (one arrow, note or collapsed
 * group per line, time downwards). Built from timeline events by `buildSequence`, rendered by the
 * React view and by the SVG and Mermaid exporters. Plain data, no framework: every row keeps the
 * id of the timeline event it came from, so a selection made here is the timeline's selection.
 */
import type { LaneId, LaneInfo } from "../model";

/** Who a lane stands for in the diagram. */
export type ParticipantRole = "sender" | "server" | "resource" | "app-server";

export interface Participant {
  /** Stable within a model: `sender`, `server`, `app-server`, or the resource's lane id. */
  id: string;
  role: ParticipantRole;
  /** Display name (untrusted: resource names come from the user or the network). */
  label: string;
  /** The timeline lane it draws, when there is one (the server draws the `server` log lane). */
  lane: LaneId | null;
}

/**
 * How a row is drawn and what it means:
 * - `push`: a publish to the App Server (highlighted), or a decision that pushed.
 * - `no-push`: a decision that did not push (the note carries the reason).
 * - `error`: an iq answered with an error, a timeout, a failure.
 * - `warning`: a state the user should notice (app killed, session expired, registration removed).
 * - `muted`: stream noise shown on its own (connecting, disco, incoming presence).
 * - `normal`: everything else.
 */
export type Tone = "normal" | "push" | "no-push" | "error" | "warning" | "muted";

/** What an arrow carries: the view may style or filter by it. */
export type ArrowKind =
  | "message"
  | "delivery"
  | "presence"
  | "connection"
  | "enable"
  | "disable"
  | "publish"
  | "answer"
  | "remote-disable"
  | "disco"
  | "raw";

/** Whether the message a `message` arrow carries was pushed, by the server's decision or by what the sink saw. */
export interface PushVerdict {
  pushed: boolean;
  /** `decision`: the server's logged decision; `observed`: a push linked to it reached the sink, or none did. */
  source: "decision" | "observed";
  /** The decision's reason (or a short observation), one line. */
  reason: string;
  rule?: string;
}

interface RowBase {
  /** Unique row key (the event id, with a suffix for a second row of the same event). */
  key: string;
  /** The timeline event the row came from (the first one, for a collapsed row). */
  eventId: string;
  at: number;
  tone: Tone;
}

export interface ArrowRow extends RowBase {
  kind: "arrow";
  arrow: ArrowKind;
  from: string;
  to: string;
  /** One line, untrusted text (escape for the target format). */
  label: string;
  /** Answers and replies are drawn dashed. */
  dashed: boolean;
  /** Only on `message` arrows: whether it was pushed, and why (not). */
  verdict?: PushVerdict;
}

export interface NoteRow extends RowBase {
  kind: "note";
  /** Participant ids the note stands over (one, or the first and last of a span). */
  over: string[];
  text: string;
}

export interface CollapsedRow extends RowBase {
  kind: "collapsed";
  /** `presence`: a burst of presence changes; `noise`: connecting, disco, incoming presence, … */
  group: "presence" | "noise";
  /** Every event folded into the row, oldest first. */
  eventIds: string[];
  count: number;
  /** Participants the folded events touch. */
  participants: string[];
  text: string;
  lastAt: number;
}

export type SequenceRow = ArrowRow | NoteRow | CollapsedRow;

export interface SequenceStats {
  events: number;
  rows: number;
  /** Events folded into collapsed rows. */
  collapsedEvents: number;
  /** Events on lanes that are not participants (the playground's own and the Scenarios harness). */
  skipped: number;
  pushes: number;
  /** Messages with a verdict that did not push. */
  notPushed: number;
}

export interface SequenceModel {
  participants: Participant[];
  rows: SequenceRow[];
  /** Timeline event id → index of the row that shows it (a folded event maps to its collapsed row). */
  rowOfEvent: ReadonlyMap<string, number>;
  stats: SequenceStats;
}

export interface SequenceOptions {
  /** Lane labels and roles (the sessions store's `selectLaneInfo`, or an imported file's lanes). */
  lanes?: Readonly<Record<LaneId, LaneInfo>>;
  /** Label of the server participant; default: the domain seen in the events' JIDs, else "server". */
  serverLabel?: string;
  /** Fold presence bursts and stream noise (default true). */
  collapse?: boolean;
  /** This many presence changes in a row (with no message, push or decision between) fold into one row. Default 3. */
  presenceBurst?: number;
  /** Collapsed groups the user opened, by the id of their first event: shown row by row. */
  expanded?: ReadonlySet<string>;
  /**
   * A message with no decision and no linked push counts as "not pushed (none seen)" once the
   * session went on this long after it. Default 10 s; the playground's sink sees pushes well
   * within it.
   */
  pushWaitMs?: number;
  /** "Now", for the wait above at the end of a live session. Default: the last event's time. */
  now?: number;
}
