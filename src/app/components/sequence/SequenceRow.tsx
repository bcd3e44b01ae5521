import type { CSSProperties } from "react";
import type { ArrowRow, CollapsedRow, NoteRow, SequenceRow as Row } from "../../sequence";
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
  domId: string;
  top: number;
  height: number;
  geometry: LaneGeometry;
  label: string;
  selected: boolean;
  active: boolean;
  onSelect: (row: Row) => void;
  onExpand: (row: CollapsedRow) => void;
}

/**
 * One line of the diagram: its time in the gutter, then an arrow, a note or a folded group over
 * the lanes. Every string is a React text node (names and bodies are untrusted).
 */
export function SequenceRowView({ row, domId, top, height, geometry, label, selected, active, onSelect, onExpand }: RowProps) {
  const className = ["seq-row", `seq-${row.kind}`, `tone-${row.tone}`, selected ? "is-selected" : "", active ? "is-active" : ""].filter(Boolean).join(" ");
  return (
    <div
      id={domId}
      role="option"
      aria-selected={selected}
      aria-label={label}
      title={label}
      className={className}
      style={{ top, height }}
      data-kind={row.kind === "arrow" ? row.arrow : row.kind}
      onClick={() => onSelect(row)}
    >
      <span className="seq-time">{formatTime(row.at)}</span>
      <div className="seq-lanes-area">
        {row.kind === "arrow" ? <Arrow row={row} geometry={geometry} /> : null}
        {row.kind === "note" ? <Note row={row} geometry={geometry} /> : null}
        {row.kind === "collapsed" ? <Folded row={row} onExpand={onExpand} /> : null}
      </div>
    </div>
  );
}

function Arrow({ row, geometry }: { row: ArrowRow; geometry: LaneGeometry }) {
  const from = centreOf(geometry, row.from);
  const to = centreOf(geometry, row.to);
  const self = row.from === row.to;
  const left = self ? from : Math.min(from, to);
  // A stanza a lane sends itself (rare) is drawn as a short hook to the right.
  const width = self ? 50 / Math.max(1, geometry.count) : Math.abs(to - from);
  const direction = self || to > from ? "right" : "left";
  const style: CSSProperties = { left: pct(left), width: pct(width) };
  return (
    <>
      <div className={`seq-arrow to-${direction}${row.dashed ? " is-dashed" : ""}${self ? " is-self" : ""}`} style={style}>
        <span className="seq-arrow-label">{row.label}</span>
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

function Note({ row, geometry }: { row: NoteRow; geometry: LaneGeometry }) {
  const centres = row.over.map((id) => centreOf(geometry, id));
  const first = Math.min(...centres);
  const last = Math.max(...centres);
  const span = last - first;
  const laneWidth = 100 / Math.max(1, geometry.count);
  // A note over one lane may take most of two lanes' width, centred on it.
  const width = Math.max(span + laneWidth * 0.8, laneWidth * 1.7);
  const style: CSSProperties = { left: pct((first + last) / 2), maxWidth: pct(width) };
  return (
    <div className="seq-note" style={style}>
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
