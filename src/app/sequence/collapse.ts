/**
 * Folded rows: a presence burst or a run of stream noise as one row with a count, the events it
 * holds, the lanes it touches and one line saying what is inside.
 */
import type { PresenceEvent, TimelineEvent } from "../model";
import { SERVER_ID } from "./participants";
import { isPresenceChange } from "./rows";
import { plural } from "./text";
import type { CollapsedRow } from "./types";

export const DEFAULT_PRESENCE_BURST = 3;

/** An event with the participant of its lane. */
export interface Placed {
  e: TimelineEvent;
  p: string;
}

function presenceWord(e: PresenceEvent): string {
  return !e.available ? "unavailable" : (e.show ?? "available");
}

function noiseWord(e: TimelineEvent): string {
  switch (e.kind) {
    case "connection":
      return "connection step";
    case "presence":
      return "incoming presence";
    case "disco":
      return "disco#info";
    case "raw-send":
      return "raw stanza";
    default:
      return e.kind;
  }
}

export function collapsedRow(group: CollapsedRow["group"], run: readonly Placed[], labelOf: (id: string) => string): CollapsedRow {
  const first = run[0]!;
  const touched = new Set<string>();
  for (const { e, p } of run) {
    touched.add(p);
    if (e.kind !== "connection") touched.add(SERVER_ID);
  }
  let text: string;
  if (group === "presence") {
    const last = new Map<string, string>();
    let changes = 0;
    for (const { e, p } of run) {
      if (!isPresenceChange(e)) continue;
      changes += 1;
      last.delete(p); // keep the order of the latest change
      last.set(p, presenceWord(e));
    }
    const others = run.length - changes;
    const now = [...last].map(([p, word]) => `${labelOf(p)} ${word}`).join(", ");
    text = `${plural(changes, "presence change")}, now: ${now}${others > 0 ? ` (+${plural(others, "stream event")})` : ""}`;
  } else {
    const counts = new Map<string, number>();
    for (const { e } of run) counts.set(noiseWord(e), (counts.get(noiseWord(e)) ?? 0) + 1);
    text = `${plural(run.length, "stream event")}: ${[...counts].map(([word, n]) => plural(n, word)).join(", ")}`;
  }
  return {
    kind: "collapsed",
    key: `${first.e.id}#group`,
    eventId: first.e.id,
    at: first.e.at,
    lastAt: run[run.length - 1]!.e.at,
    tone: "muted",
    group,
    eventIds: run.map(({ e }) => e.id),
    count: run.length,
    participants: [...touched],
    text,
  };
}

