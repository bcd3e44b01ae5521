/**
 * Geometry shared by the SVG exporter and the Sequence view: one row per line at a fixed height
 * (windowing depends on it), lanes at a fixed gap. Text is fitted by an average character width,
 * which is close enough for a sans-serif font at 12 px and needs no DOM to measure.
 */
import { truncate } from "./text";

export const ROW_HEIGHT = 28;
export const LANE_GAP = 190;
export const MARGIN = 24;
export const HEADER_HEIGHT = 58;
export const FONT_SIZE = 12;
/** Average advance of a character at FONT_SIZE in a sans-serif font (px). */
export const CHAR_WIDTH = 6.8;
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Horizontal centre of lane `index`. */
export function laneX(index: number): number {
  return MARGIN + LANE_GAP / 2 + index * LANE_GAP;
}

export function diagramWidth(participants: number): number {
  return MARGIN * 2 + Math.max(1, participants) * LANE_GAP;
}

/** Text cut to fit `width` px (with an ellipsis when cut). */
export function fitText(text: string, width: number, charWidth = CHAR_WIDTH): string {
  // The epsilon keeps a text measured by textWidth from losing its last character to rounding.
  return truncate(text, Math.max(1, Math.floor(width / charWidth + 1e-6)));
}

/** Estimated width of `text` in px. */
export function textWidth(text: string, charWidth = CHAR_WIDTH): number {
  return Array.from(text).length * charWidth;
}
