/**
 * `toSvg`: the sequence model as a standalone SVG document (for slides and bug reports): one lane
 * per participant with its name, an arrow per stanza with its label, notes for decisions and state
 * changes, pushes on a highlighted band, folded rows as dashed bands. Every string that reached us
 * from the network or the user goes through `escapeXml`; colours come from a fixed palette.
 */
import { CHAR_WIDTH, diagramWidth, fitText, FONT_FAMILY, FONT_SIZE, HEADER_HEIGHT, LANE_GAP, laneX, MARGIN, ROW_HEIGHT, textWidth } from "./layout";
import { describeParticipant, describeRow } from "./describe";
import { roleCaption } from "./participants";
import { escapeXml, oneLine } from "./text";
import type { ArrowRow, CollapsedRow, NoteRow, Participant, SequenceModel, SequenceRow, Tone } from "./types";

export type SequenceTheme = "light" | "dark";

export interface Palette {
  background: string;
  text: string;
  caption: string;
  headerFill: string;
  headerStroke: string;
  lifeline: string;
  noteFill: string;
  noteStroke: string;
  collapsedFill: string;
  pushBand: string;
  selected: string;
  tones: Record<Tone, string>;
}

export const PALETTES: Record<SequenceTheme, Palette> = {
  light: {
    background: "#ffffff",
    text: "#1f2328",
    caption: "#656d76",
    headerFill: "#f6f8fa",
    headerStroke: "#d0d7de",
    lifeline: "#d0d7de",
    noteFill: "#fff8e1",
    noteStroke: "#d4a72c",
    collapsedFill: "#f6f8fa",
    pushBand: "#fde7f3",
    selected: "#0969da",
    tones: { normal: "#1f2328", push: "#bf3989", "no-push": "#bc4c00", error: "#cf222e", warning: "#9a6700", muted: "#8c959f" },
  },
  dark: {
    background: "#0d1117",
    text: "#e6edf3",
    caption: "#8d96a0",
    headerFill: "#161b22",
    headerStroke: "#30363d",
    lifeline: "#30363d",
    noteFill: "#2b2111",
    noteStroke: "#9e6a03",
    collapsedFill: "#161b22",
    pushBand: "#3a1d2e",
    selected: "#58a6ff",
    tones: { normal: "#e6edf3", push: "#f778ba", "no-push": "#ffa657", error: "#ff7b72", warning: "#d29922", muted: "#7d8590" },
  },
};

export interface SvgOptions {
  theme?: SequenceTheme;
  /** Shown as the document's <title> (default: "XMPP push sequence"). */
  title?: string;
  /** Outline the row of this timeline event. */
  selectedEventId?: string | null;
}

const TONES: readonly Tone[] = ["normal", "push", "no-push", "error", "warning", "muted"];

/** Coordinates with at most one decimal, so the document stays small and stable. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? n(v) : escapeXml(v)}"`)
    .join("");
}

interface Ctx {
  participants: readonly Participant[];
  palette: Palette;
  width: number;
  laneIndex: Map<string, number>;
}

function laneXOf(ctx: Ctx, id: string): number {
  return laneX(ctx.laneIndex.get(id) ?? 0);
}

/** The badge after a message's label: its push verdict, short. */
function verdictBadge(row: ArrowRow): string {
  if (!row.verdict) return "";
  return row.verdict.pushed ? "  ✓ pushed" : `  ✗ not pushed: ${row.verdict.reason}`;
}

function arrowSvg(row: ArrowRow, top: number, ctx: Ctx): string {
  const { palette } = ctx;
  const colour = palette.tones[row.tone];
  const x1 = laneXOf(ctx, row.from);
  const x2 = laneXOf(ctx, row.to);
  const y = top + ROW_HEIGHT - 8;
  const parts: string[] = [];
  if (x1 === x2) {
    // A stanza a participant addresses to itself: a small loop on its lane.
    parts.push(`<path${attrs({ d: `M${n(x1)},${n(y - 10)} h24 v10 h-22`, fill: "none", stroke: colour, "stroke-width": 1.5, "marker-end": `url(#sq-arrow-${row.tone})` })}/>`);
  } else {
    const dir = x2 > x1 ? 1 : -1;
    parts.push(
      `<line${attrs({ x1, y1: y, x2: x2 - dir * 2, y2: y, stroke: colour, "stroke-width": row.tone === "push" ? 2.5 : 1.5, "marker-end": `url(#sq-arrow-${row.tone})` })}${row.dashed ? ' stroke-dasharray="5 4"' : ""}/>`,
    );
  }
  const textX = Math.min(x1, x2) + 8;
  const room = ctx.width - MARGIN - textX;
  const label = fitText(oneLine(row.label), room);
  const verdict = verdictBadge(row);
  const rest = room - textWidth(label);
  const badge = verdict && rest > CHAR_WIDTH * 6 ? fitText(verdict, rest) : "";
  const badgeColour = row.verdict ? palette.tones[row.verdict.pushed ? "push" : "no-push"] : colour;
  parts.push(
    `<text${attrs({ x: textX, y: y - 5, fill: row.tone === "muted" ? colour : palette.text })}>${escapeXml(label)}${badge ? `<tspan${attrs({ fill: badgeColour, "font-weight": "600" })}>${escapeXml(badge)}</tspan>` : ""}</text>`,
  );
  return `<title>${escapeXml(describeRow(ctx.participants, row))}</title>${parts.join("")}`;
}

function noteSvg(row: NoteRow, top: number, ctx: Ctx): string {
  const { palette } = ctx;
  const xs = row.over.map((id) => laneXOf(ctx, id));
  const text = oneLine(row.text);
  const needed = textWidth(text) + 16;
  // Over its lane(s) when the text fits; a long text moves the box left (the row holds nothing else).
  let left = Math.max(MARGIN, Math.min(...xs) - LANE_GAP / 2 + 12);
  if (left + needed > ctx.width - MARGIN) left = Math.max(MARGIN, ctx.width - MARGIN - needed);
  const minRight = Math.max(...xs) + LANE_GAP / 2 - 12;
  const width = Math.min(ctx.width - MARGIN - left, Math.max(minRight - left, needed));
  const fitted = fitText(text, width - 16);
  const stroke = row.tone === "normal" ? palette.noteStroke : palette.tones[row.tone];
  const fill = row.tone === "muted" ? palette.background : palette.noteFill;
  return (
    `<title>${escapeXml(describeRow(ctx.participants, row))}</title>` +
    `<rect${attrs({ x: left, y: top + 4, width, height: ROW_HEIGHT - 8, rx: 3, fill, stroke, "stroke-width": row.tone === "push" || row.tone === "no-push" ? 1.5 : 1 })}/>` +
    `<text${attrs({ x: left + 8, y: top + ROW_HEIGHT / 2 + 4, fill: row.tone === "muted" ? palette.tones.muted : palette.text })}>${escapeXml(fitted)}</text>`
  );
}

function collapsedSvg(row: CollapsedRow, top: number, ctx: Ctx): string {
  const { palette } = ctx;
  const width = ctx.width - 2 * MARGIN;
  const text = `⋯ ${oneLine(row.text)}`;
  return (
    `<title>${escapeXml(describeRow(ctx.participants, row))}</title>` +
    `<rect${attrs({ x: MARGIN, y: top + 5, width, height: ROW_HEIGHT - 10, rx: 4, fill: palette.collapsedFill, stroke: palette.headerStroke })} stroke-dasharray="4 3"/>` +
    `<text${attrs({ x: MARGIN + 10, y: top + ROW_HEIGHT / 2 + 4, fill: palette.tones.muted, "font-style": "italic" })}>${escapeXml(fitText(text, width - 20))}</text>`
  );
}

function rowSvg(row: SequenceRow, index: number, ctx: Ctx, selectedEventId: string | null | undefined): string {
  const top = HEADER_HEIGHT + index * ROW_HEIGHT;
  const band = row.kind === "arrow" && row.arrow === "publish" && row.tone === "push" ? `<rect${attrs({ x: MARGIN, y: top, width: ctx.width - 2 * MARGIN, height: ROW_HEIGHT, fill: ctx.palette.pushBand })}/>` : "";
  const selected =
    selectedEventId && (row.eventId === selectedEventId || (row.kind === "collapsed" && row.eventIds.includes(selectedEventId)))
      ? `<rect${attrs({ x: MARGIN - 4, y: top + 1, width: ctx.width - 2 * MARGIN + 8, height: ROW_HEIGHT - 2, rx: 4, fill: "none", stroke: ctx.palette.selected, "stroke-width": 2 })}/>`
      : "";
  const body = row.kind === "arrow" ? arrowSvg(row, top, ctx) : row.kind === "note" ? noteSvg(row, top, ctx) : collapsedSvg(row, top, ctx);
  const kind = row.kind === "arrow" ? `arrow ${row.arrow}` : row.kind;
  return `<g${attrs({ class: `row ${kind} tone-${row.tone}`, "data-event-id": row.eventId, "data-row": String(index) })}>${band}${selected}${body}</g>`;
}

function lanesSvg(model: SequenceModel, height: number, palette: Palette): string {
  return model.participants
    .map((p, i) => {
      const x = laneX(i);
      const boxWidth = LANE_GAP - 20;
      const caption = roleCaption(p.role);
      return (
        `<g${attrs({ class: `lane lane-${p.role}`, "aria-label": describeParticipant(p) })}>` +
        `<title>${escapeXml(describeParticipant(p))}</title>` +
        `<line${attrs({ x1: x, y1: HEADER_HEIGHT - 6, x2: x, y2: height - MARGIN / 2, stroke: palette.lifeline, "stroke-width": 1.5 })} stroke-dasharray="3 4"/>` +
        `<rect${attrs({ x: x - boxWidth / 2, y: 8, width: boxWidth, height: 42, rx: 6, fill: palette.headerFill, stroke: palette.headerStroke })}/>` +
        `<text${attrs({ x, y: 26, "text-anchor": "middle", "font-weight": "600", fill: palette.text })}>${escapeXml(fitText(p.label, boxWidth - 12, CHAR_WIDTH * 1.08))}</text>` +
        `<text${attrs({ x, y: 42, "text-anchor": "middle", "font-size": FONT_SIZE - 2, fill: palette.caption })}>${escapeXml(caption)}</text>` +
        `</g>`
      );
    })
    .join("");
}

function markers(palette: Palette): string {
  return TONES.map(
    (tone) =>
      `<marker${attrs({ id: `sq-arrow-${tone}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" })}>` +
      `<path${attrs({ d: "M0,0 L10,5 L0,10 z", fill: palette.tones[tone] })}/></marker>`,
  ).join("");
}

export function toSvg(model: SequenceModel, options: SvgOptions = {}): string {
  const palette = PALETTES[options.theme ?? "light"];
  const width = diagramWidth(model.participants.length);
  const height = HEADER_HEIGHT + model.rows.length * ROW_HEIGHT + MARGIN;
  const ctx: Ctx = { participants: model.participants, palette, width, laneIndex: new Map(model.participants.map((p, i) => [p.id, i])) };
  const title = options.title ?? "XMPP push sequence";
  const s = model.stats;
  const desc = `${model.participants.map((p) => p.label).join(", ")}: ${s.rows} rows from ${s.events} events, ${s.pushes} pushes, ${s.notPushed} messages not pushed`;
  const rows = model.rows.map((row, i) => rowSvg(row, i, ctx, options.selectedEventId)).join("\n");
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "sq-title sq-desc", "font-family": FONT_FAMILY, "font-size": FONT_SIZE })}>`,
    `<title id="sq-title">${escapeXml(title)}</title>`,
    `<desc id="sq-desc">${escapeXml(desc)}</desc>`,
    `<defs>${markers(palette)}</defs>`,
    `<rect${attrs({ width, height, fill: palette.background })}/>`,
    lanesSvg(model, height, palette),
    rows,
    `</svg>`,
    "",
  ].join("\n");
}
