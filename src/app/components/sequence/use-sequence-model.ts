import { useEffect, useMemo, useState } from "react";
import type { LaneId, LaneInfo, TimelineEvent } from "../../model";
import { createSequenceBuilder, type SequenceModel } from "../../sequence";
import { useOutsideStore, useSessionsStore, useTimelineStore } from "../../stores/hooks";
import { selectOutsideLaneInfo } from "../../stores/outside";
import { selectLaneInfo } from "../../stores/sessions";
import { selectViewEvents } from "../../stores/timeline";

/** How often the live end is re-judged: a message with no push seen becomes "not pushed" after the builder's wait. */
const CLOCK_TICK_MS = 5_000;

type LaneKeyEntry = [LaneId, string, LaneInfo["role"]];

/**
 * Lane names and roles (what the diagram draws), stable by content: session status changes many
 * times a minute and must not start a new builder (a full redraw); only a rename, a new session or
 * an import does.
 */
function useLaneInfo(events: readonly TimelineEvent[]): Readonly<Record<LaneId, LaneInfo>> {
  const view = useTimelineStore((s) => s.view);
  const importedLanes = useTimelineStore((s) => s.imported?.lanes);
  const sessions = useSessionsStore((s) => s.sessions);
  const retired = useSessionsStore((s) => s.retired);
  const outside = useOutsideStore((s) => s.sessions);
  const key = useMemo(() => {
    let lanes = view === "imported" && importedLanes ? importedLanes : { ...selectOutsideLaneInfo({ sessions: outside }), ...selectLaneInfo({ sessions, retired }) };
    // A removed resource keeps a lane only if something happened on it.
    if (lanes !== importedLanes && Object.keys(retired).length > 0) {
      const used = new Set(events.map((e) => e.lane));
      lanes = Object.fromEntries(Object.entries(lanes).filter(([id]) => !(id in retired) || id in sessions || used.has(id)));
    }
    return JSON.stringify(Object.entries(lanes).map(([id, l]): LaneKeyEntry => [id, l.label, l.role]));
  }, [view, importedLanes, sessions, retired, outside, events]);
  return useMemo(() => {
    const entries = JSON.parse(key) as LaneKeyEntry[];
    return Object.fromEntries(entries.map(([id, label, role]) => [id, { label, role, colour: "" }]));
  }, [key]);
}

/** A clock for the live end of a live view; none for an imported file (its last event is "now"). */
function useLiveNow(live: boolean): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [live]);
  return live ? now : undefined;
}

/**
 * The sequence model of the timeline's current view (live or imported), kept current by one
 * incremental builder; a new builder starts only when the lanes are renamed or a folded group is
 * opened or closed (`expanded`).
 */
export function useSequenceModel(expanded: ReadonlySet<string>): SequenceModel {
  const view = useTimelineStore((s) => s.view);
  const live = useTimelineStore((s) => s.events);
  const liveSeq = useTimelineStore((s) => s.liveSeq);
  const imported = useTimelineStore((s) => s.imported);
  // The store appends in place: the builder compares lists by identity, so it gets a copy per change.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- liveSeq: the live list changed in place
  const events = useMemo(() => selectViewEvents({ view, events: live, imported }).slice(), [view, live, liveSeq, imported]);
  const lanes = useLaneInfo(events);
  const builder = useMemo(() => createSequenceBuilder({ lanes, expanded }), [lanes, expanded]);
  const now = useLiveNow(view === "live");
  return useMemo(() => builder.update(events, now), [builder, events, now]);
}
