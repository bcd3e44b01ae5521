/**
 * What the Sequence view's Export buttons produce: the whole session or the rows on screen, as an
 * SVG document or Mermaid text, with a file name; or the sentence to show when there is nothing to
 * export. The exporters escape every untrusted string; the SVG is only ever downloaded as a file.
 */
import { sliceSequence, toMermaid, toSvg, type SequenceModel, type SequenceTheme } from "../../sequence";
import { fileStamp } from "../shared/format";

export type ExportScope = "session" | "visible";
export type ExportFormat = "svg" | "mermaid";

export interface ExportFile {
  fileName: string;
  mime: string;
  text: string;
  rows: number;
}

export type ExportResult = { ok: true; file: ExportFile } | { ok: false; message: string };

export interface ExportRequest {
  model: SequenceModel;
  scope: ExportScope;
  /** Rows on screen, [start, end): the `visible` scope. */
  visible: { start: number; end: number };
  format: ExportFormat;
  theme: SequenceTheme;
  selectedEventId: string | null;
  at: number;
}

export function exportSequence({ model, scope, visible, format, theme, selectedEventId, at }: ExportRequest): ExportResult {
  if (model.rows.length === 0) {
    return { ok: false, message: "Nothing to export yet: the diagram has no rows. Connect, send a message, and export again." };
  }
  const part = scope === "session" ? model : sliceSequence(model, visible.start, visible.end);
  if (part.rows.length === 0) return { ok: false, message: "Nothing to export: no rows are on screen. Scroll to the rows you want, or export the whole session." };
  const what = scope === "session" ? "session" : "visible";
  const title = scope === "session" ? "XMPP push sequence" : "XMPP push sequence (excerpt)";
  const stem = `xmpp-push-sequence-${what}-${fileStamp(at)}`;
  if (format === "svg") {
    return { ok: true, file: { fileName: `${stem}.svg`, mime: "image/svg+xml", text: toSvg(part, { theme, title, selectedEventId }), rows: part.rows.length } };
  }
  return { ok: true, file: { fileName: `${stem}.mmd`, mime: "text/plain", text: toMermaid(part, { title }), rows: part.rows.length } };
}

/** The theme the page shows: the header's choice on <html>, else the OS preference. */
export function currentTheme(root: HTMLElement = document.documentElement): SequenceTheme {
  const pinned = root.dataset.theme;
  if (pinned === "dark" || pinned === "light") return pinned;
  const dark = typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
  return dark ? "dark" : "light";
}

/** Copy through the async Clipboard API; false when the page may not (no permission, insecure origin). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof navigator === "undefined" || !navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
