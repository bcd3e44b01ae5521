/**
 * Accessible names: one plain sentence per row and per lane, for screen readers (the view's
 * aria-labels) and for the exported SVG's <title> tooltips.
 */
import { roleCaption } from "./participants";
import { oneLine } from "./text";
import type { Participant, SequenceRow } from "./types";

function nameOf(participants: readonly Participant[], id: string): string {
  return participants.find((p) => p.id === id)?.label ?? id;
}

export function describeParticipant(p: Participant): string {
  return `${p.label} (${roleCaption(p.role)})`;
}

/** e.g. `bob → localhost: chat “hi”; not pushed: alice/laptop is online [spec/online-session]`. */
export function describeRow(participants: readonly Participant[], row: SequenceRow): string {
  switch (row.kind) {
    case "arrow": {
      const v = row.verdict;
      const verdict = v ? `; ${v.pushed ? "pushed" : "not pushed"}: ${v.reason}${v.rule ? ` [${v.rule}]` : ""}` : "";
      return `${nameOf(participants, row.from)} → ${nameOf(participants, row.to)}: ${oneLine(row.label)}${verdict}`;
    }
    case "note":
      return `note on ${row.over.map((id) => nameOf(participants, id)).join(" to ")}: ${oneLine(row.text)}`;
    case "collapsed":
      return `${oneLine(row.text)} (folded: ${row.count} event${row.count === 1 ? "" : "s"})`;
  }
}
