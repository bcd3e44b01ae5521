/**
 * `toMermaid`: the sequence model as Mermaid `sequenceDiagram` text, which GitHub renders in
 * issues and pull requests. Participants get fixed ASCII ids (`sender`, `server`, `res1`, …,
 * `appserver`) with their real names as display text; every label goes through `mermaidText`, so
 * no body or resource name can end a statement, open a comment or an arrow, or inject HTML.
 * Pushes sit on a highlighted `rect`; decisions are notes on the server.
 */
import { mermaidText, oneLine, truncate } from "./text";
import { roleCaption } from "./participants";
import type { ArrowRow, Participant, SequenceModel, SequenceRow } from "./types";

export interface MermaidOptions {
  /** Diagram title (default none). */
  title?: string;
  /**
   * Keep at most this many rows, the newest (default 400): Mermaid refuses long sources (its
   * `maxTextSize`) and a GitHub comment has a size limit; export a selection for older rows.
   */
  maxRows?: number;
  /** Longest label, in characters before escaping (default 120). */
  maxLabel?: number;
}

export const DEFAULT_MERMAID_ROWS = 400;

/** A highlight colour readable on GitHub's light and dark themes alike. */
const PUSH_RECT = "rect rgba(214, 51, 132, 0.14)";

/** Ids safe as Mermaid actors: ASCII letters and digits, and none starting with a keyword. */
function aliases(participants: readonly Participant[]): Map<string, string> {
  const map = new Map<string, string>();
  let resources = 0;
  for (const p of participants) {
    if (p.role === "sender") map.set(p.id, "sender");
    else if (p.role === "server") map.set(p.id, "server");
    else if (p.role === "app-server") map.set(p.id, "appserver");
    else map.set(p.id, `res${++resources}`);
  }
  return map;
}

function arrowToken(row: ArrowRow): string {
  if (row.tone === "error") return row.dashed ? "--x" : "-x";
  return row.dashed ? "-->>" : "->>";
}

function verdictSuffix(row: ArrowRow): string {
  if (!row.verdict) return "";
  return row.verdict.pushed ? " (pushed)" : ` (not pushed: ${row.verdict.reason})`;
}

function rowLines(row: SequenceRow, alias: (id: string) => string, order: (id: string) => number, maxLabel: number): string[] {
  const text = (s: string) => mermaidText(truncate(oneLine(s), maxLabel));
  switch (row.kind) {
    case "arrow": {
      const line = `    ${alias(row.from)}${arrowToken(row)}${alias(row.to)}: ${text(row.label + verdictSuffix(row))}`;
      if (row.arrow === "publish" && row.tone === "push") return [`    ${PUSH_RECT}`, `    ${line}`, "    end"];
      return [line];
    }
    case "note":
      return [`    Note over ${span(row.over, alias, order)}: ${text(row.text)}`];
    case "collapsed":
      return [`    Note over ${span(row.participants, alias, order)}: ${text(`folded: ${row.text}`)}`];
  }
}

/** `a` or `a,b` (leftmost and rightmost of the ids), as `Note over` takes them. */
function span(ids: readonly string[], alias: (id: string) => string, order: (id: string) => number): string {
  const sorted = [...ids].sort((a, b) => order(a) - order(b));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return alias("server");
  return first === last ? alias(first) : `${alias(first)},${alias(last)}`;
}

export function toMermaid(model: SequenceModel, options: MermaidOptions = {}): string {
  const ids = aliases(model.participants);
  const index = new Map(model.participants.map((p, i) => [p.id, i]));
  const alias = (id: string) => ids.get(id) ?? "server";
  const order = (id: string) => index.get(id) ?? 0;
  const maxRows = options.maxRows ?? DEFAULT_MERMAID_ROWS;
  const maxLabel = options.maxLabel ?? 120;

  const lines = ["sequenceDiagram"];
  if (options.title) lines.push(`    title ${mermaidText(truncate(oneLine(options.title), maxLabel))}`);
  for (const p of model.participants) {
    const caption = roleCaption(p.role);
    lines.push(`    participant ${alias(p.id)} as ${mermaidText(`${truncate(oneLine(p.label), 60)} (${caption})`)}`);
  }
  const omitted = Math.max(0, model.rows.length - maxRows);
  if (omitted > 0) {
    const all = model.participants.map((p) => p.id);
    lines.push(`    Note over ${span(all, alias, order)}: ${mermaidText(`${omitted} earlier rows left out (export a selection to see them)`)}`);
  }
  for (let i = omitted; i < model.rows.length; i++) lines.push(...rowLines(model.rows[i]!, alias, order, maxLabel));
  return `${lines.join("\n")}\n`;
}
