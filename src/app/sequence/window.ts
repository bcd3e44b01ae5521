/**
 * Windowing for the Sequence view: every row has the same height, so the rows on screen are a
 * slice found by arithmetic, whatever the session's length. The view renders `rows` at
 * `offsetTop` inside a spacer of `totalHeight`; 10,000 events cost no more than 10.
 */
import { ROW_HEIGHT } from "./layout";
import type { SequenceModel, SequenceRow } from "./types";

export interface WindowOptions {
  rowHeight?: number;
  /** Rows drawn above and below the viewport so a fast scroll does not show blanks. Default 6. */
  overscan?: number;
}

export interface RowWindow {
  /** Index of the first row drawn (inclusive). */
  start: number;
  /** Index after the last row drawn (exclusive). */
  end: number;
  /** Top of row `start`, in px from the top of the rows area. */
  offsetTop: number;
  /** Height of all rows: the scroll container's content height. */
  totalHeight: number;
  rows: readonly SequenceRow[];
}

export function visibleRows(model: SequenceModel, scrollTop: number, height: number, options: WindowOptions = {}): RowWindow {
  const rowHeight = options.rowHeight ?? ROW_HEIGHT;
  const overscan = options.overscan ?? 6;
  const count = model.rows.length;
  const totalHeight = count * rowHeight;
  const top = Math.max(0, Math.min(Number.isFinite(scrollTop) ? scrollTop : 0, Math.max(0, totalHeight - Math.max(0, height))));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, height)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight, rows: model.rows.slice(start, end) };
}

/** The scrollTop that shows the newest rows (the view follows the latest by default). */
export function scrollTopForLatest(model: SequenceModel, height: number, rowHeight = ROW_HEIGHT): number {
  return Math.max(0, model.rows.length * rowHeight - height);
}

/** Whether the viewport is at the newest rows (within one row), so new rows should keep it there. */
export function isAtLatest(model: SequenceModel, scrollTop: number, height: number, rowHeight = ROW_HEIGHT): boolean {
  return scrollTop >= scrollTopForLatest(model, height, rowHeight) - rowHeight;
}

/**
 * The scrollTop that brings the row of a timeline event into view (the selection came from
 * another view): unchanged when it is visible already, else the row centred. Null when the event
 * has no row (its lane is not drawn, or it is not in this model).
 */
export function scrollTopToReveal(model: SequenceModel, eventId: string, scrollTop: number, height: number, rowHeight = ROW_HEIGHT): number | null {
  const index = model.rowOfEvent.get(eventId);
  if (index === undefined) return null;
  const top = index * rowHeight;
  if (top >= scrollTop && top + rowHeight <= scrollTop + height) return scrollTop;
  const centred = top - (height - rowHeight) / 2;
  return Math.max(0, Math.min(centred, scrollTopForLatest(model, height, rowHeight)));
}

/**
 * Keyboard navigation: the next row (direction 1) or previous (-1) from `index` that shows an
 * arrow, or any row when `arrowsOnly` is false. Null at either end.
 */
export function neighbourRow(model: SequenceModel, index: number, direction: 1 | -1, arrowsOnly = true): number | null {
  for (let i = index + direction; i >= 0 && i < model.rows.length; i += direction) {
    if (!arrowsOnly || model.rows[i]!.kind === "arrow") return i;
  }
  return null;
}
