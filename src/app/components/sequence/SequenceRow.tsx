import { memo, type CSSProperties } from "react";
import { describeRow, type ArrowRow, type CollapsedRow, type NoteRow, type Participant, type SequenceRow as Row } from "../../sequence";
import { formatTime } from "../shared/format";

/** Horizontal geometry of the lanes area, in percent of its width: lanes share it evenly. */
export interface LaneGeometry {
  count: number;
  indexOf: ReadonlyMap<string, number>;
}

export function laneCentre(geometry: LaneGeometry, index: number): number {
  return ((index + 0.5) / Math.max(1, geometry.count)) * 100;
}

function centreOf(geometry: LaneGeometry, id: string): number {
  return laneCentre(geometry, geometry.indexOf.get(id) ?? 0);
}

const pct = (n: number) => `${n}%`;

interface RowProps {
  row: Row;
  index: number;
  domId: string;
  height: number;
  participants: readonly Participant[];
  geometry: LaneGeometry;
  selected: boolean;
  active: boolean;
  onSelect: (row: Row, index: number) => void;
  onExpand: (row: CollapsedRow) => void;
}

/**
 * One line of the diagram: its time in the gutter, then an arrow, a note or a folded group over
 * the lanes. Every string is a React text node (names and bodies are untrusted).
 */
export const SequenceRowView = memo(function SequenceRowView({ row, index, domId, height, participants, geometry, selected, active, onSelect, onExpand }: RowProps) {
  // Memoized with stable props: a scroll renders only the rows that came into view.
  const label = describeRow(participants, row);
  const className = ["seq-row", `seq-row-${row.kind}`, `tone-${row.tone}`, selected ? "is-selected" : "", active ? "is-active" : ""].filter(Boolean).join(" ");
  return (
    <div
      id={domId}
      role="option"
      aria-selected={selected}
      aria-label={label}
      title={label}
      className={className}
      style={{ top: index * height, height }}
      data-kind={row.kind === "arrow" ? row.arrow : row.kind}
      onClick={() => onSelect(row, index)}
    >
      <span className="seq-time">{formatTime(row.at)}</span>
      <div className="seq-lanes-area">
        {row.kind === "arrow" ? <Arrow row={row} geometry={geometry} /> : null}
        {row.kind === "note" ? <Note row={row} geometry={geometry} /> : null}
        {row.kind === "collapsed" ? <Folded row={row} onExpand={onExpand} /> : null}
      </div>
    </div>
  );
});

function Arrow({ row, geometry }: { row: ArrowRow; geometry: LaneGeometry }) {
  const from = centreOf(geometry, row.from);
  const to = centreOf(geometry, row.to);
  const self = row.from === row.to;
  const left = self ? from : Math.min(from, to);
  // A stanza a lane sends itself (rare) is drawn as a short hook to the right.
  const width = self ? 50 / Math.max(1, geometry.count) : Math.abs(to - from);
  const direction = self || to > from ? "right" : "left";
  const style: CSSProperties = { left: pct(left), width: pct(width) };
  // A label may spill past a one-lane arrow into the free space around it, except beside a verdict.
  const laneWidth = 100 / Math.max(1, geometry.count);
  const labelRoom = row.verdict || self || width <= 0 ? 100 : (Math.max(width, laneWidth * 1.8) / width) * 100;
  return (
    <>
      <div className={`seq-arrow to-${direction}${row.dashed ? " is-dashed" : ""}${self ? " is-self" : ""}`} style={style}>
        <span className="seq-arrow-label" style={{ maxWidth: `calc(${pct(labelRoom)} - 8px)` }}>
          {row.label}
        </span>
        <span className="seq-arrow-line" aria-hidden="true" />
      </div>
      {row.verdict ? <Verdict row={row} at={Math.max(from, to)} /> : null}
    </>
  );
}

/** Pushed or not, and why, beside the message's arrow head (the server lane). */
function Verdict({ row, at }: { row: ArrowRow; at: number }) {
  const v = row.verdict!;
  return (
    <span className={`seq-verdict ${v.pushed ? "is-pushed" : "is-not-pushed"}`} style={{ left: `calc(${pct(at)} + 8px)`, maxWidth: `calc(${pct(100 - at)} - 12px)` }}>
      <span className="seq-verdict-mark">{v.pushed ? "pushed" : "not pushed"}</span>
      <span className="seq-verdict-reason">{v.reason}</span>
    </span>
  );
}

/** Notes up to this many characters fit over one lane and stay centred on it. */
const SHORT_NOTE = 18;

function Note({ row, geometry }: { row: NoteRow; geometry: LaneGeometry }) {
  const centres = row.over.map((id) => centreOf(geometry, id));
  const middle = (Math.min(...centres) + Math.max(...centres)) / 2;
  if (row.text.length <= SHORT_NOTE) {
    return (
      <div className="seq-note" style={{ left: pct(middle), maxWidth: `calc(${pct(2 * Math.min(middle, 100 - middle))} - 8px)` }}>
        {row.text}
      </div>
    );
  }
  // A long note (a decision's reason is the point) starts just before its lane and runs towards the
  // wider side of the diagram.
  const half = 50 / Math.max(1, geometry.count);
  const toRight = middle <= 50;
  const edge = toRight ? Math.max(0, middle - half) : Math.min(100, middle + half);
  const style: CSSProperties = toRight
    ? { left: pct(edge), maxWidth: `calc(${pct(100 - edge)} - 8px)`, transform: "none" }
    : { right: pct(100 - edge), maxWidth: `calc(${pct(edge)} - 8px)`, transform: "none" };
  return (
    <div className="seq-note is-long" style={style}>
      {row.text}
    </div>
  );
}

function Folded({ row, onExpand }: { row: CollapsedRow; onExpand: (row: CollapsedRow) => void }) {
  return (
    <div className="seq-folded">
      <button
        type="button"
        className="btn btn-small seq-fold-toggle"
        aria-expanded={false}
        aria-label={`Show the ${row.count} folded events`}
        tabIndex={-1}
        onClick={(e) => {
          e.stopPropagation();
          onExpand(row);
        }}
      >
        Show {row.count}
      </button>
      <span className="seq-folded-text">{row.text}</span>
    </div>
  );
}
