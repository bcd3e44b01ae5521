import { memo } from "react";
import type { LaneId, TimelineEvent } from "../../model";
import { formatTime, KIND_LABELS, KIND_TONES } from "../shared/format";
import { Highlight } from "../shared/Highlight";
import { LaneChip } from "../shared/LaneChip";
import type { LaneInfo } from "../shared/lanes";
import { ExpectationBadge } from "./ExpectationBadge";
import { WhyButton } from "./WhyButton";

interface TimelineRowProps {
  event: TimelineEvent;
  lane: LaneInfo;
  laneOf: (id: LaneId) => LaneInfo;
  needle: string;
}

/** One single-line row: time, lane, kind, summary, and the links that matter for pushes (memoised: rows re-render only when their event changes). */
export const TimelineRow = memo(function TimelineRow({ event, lane, laneOf, needle }: TimelineRowProps) {
  return (
    <>
      <span className="tl-time">{formatTime(event.at)}</span>
      <span className="tl-lane">
        <LaneChip label={lane.label} colour={lane.colour} />
      </span>
      <span className={`badge badge-${KIND_TONES[event.kind]} tl-kind`}>{KIND_LABELS[event.kind]}</span>
      <span className="tl-summary">
        <Highlight text={event.summary} needle={needle} />
      </span>
      <RowLinks event={event} laneOf={laneOf} />
    </>
  );
});

const RECEIVERS_STYLE = { flex: "0 1 auto", minWidth: "3em", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" } as const;

function RowLinks({ event, laneOf }: { event: TimelineEvent; laneOf: (id: LaneId) => LaneInfo }) {
  switch (event.kind) {
    case "message-sent": {
      const receivers = (event.receivedBy ?? []).map((l) => laneOf(l).label);
      // Imported files may omit the arrays the live service always fills.
      const pushIds = event.pushEventIds ?? [];
      return (
        <>
          {/* Long resource names shrink here rather than push the badges and "Why?" out of the row. */}
          <span className="tl-link small muted" style={RECEIVERS_STYLE} title="Sessions that received this message">
            {receivers.length ? `→ ${receivers.join(", ")}` : "→ no session"}
          </span>
          {pushIds.length ? (
            <span className="tl-link badge badge-push" title="Pushes this message caused (Enter to jump)">
              {pushIds.length} {pushIds.length === 1 ? "push" : "pushes"}
            </span>
          ) : null}
          <ExpectationBadge eventId={event.id} />
          <WhyButton eventId={event.id} pushed={pushIds.length > 0} />
        </>
      );
    }
    case "push":
      return event.causeEventId ? (
        <span className="tl-link small muted" title={event.linkMethod === "prediction" ? "Linked by prediction to the presence that caused it (Enter to jump)" : `Linked to its message by ${event.linkMethod ?? "id"} (Enter to jump)`}>
          {event.linkMethod === "prediction" ? "↩ cause (predicted)" : "↩ cause"}
        </span>
      ) : (
        <span className="tl-link small muted" title="No sent message could be linked to this push">
          no cause
        </span>
      );
    case "connection":
      // XEP-0198 steps stand out from ordinary connects and disconnects.
      if (!event.sm) return null;
      return (
        <span className={`tl-link badge ${event.sm === "resumed" ? "badge-ok" : event.sm === "killed" ? "badge-warn" : "badge-err"}`}>
          {event.sm === "resumed" ? `resumed · ${event.redelivered ?? 0} redelivered` : event.sm}
        </span>
      );
    case "raw-send":
      return event.element === "message" ? (
        <>
          <ExpectationBadge eventId={event.id} />
          <WhyButton eventId={event.id} pushed={null} />
        </>
      ) : null;
    case "error":
      return event.error.condition ? <span className="tl-link badge badge-err">{event.error.condition}</span> : null;
    case "enable":
    case "disable":
    case "disco":
      return event.outcome !== "result" ? <span className="tl-link badge badge-err">{event.outcome}</span> : null;
    default:
      return null;
  }
}

/** Events related to the selected one (its cause, its pushes, its answer), outlined in the list. */
export function linkedIds(e: TimelineEvent): Set<string> {
  const ids = new Set<string>();
  if (e.kind === "push" && e.causeEventId) ids.add(e.causeEventId);
  if (e.kind === "message-sent") for (const id of e.pushEventIds ?? []) ids.add(id);
  if (e.kind === "message-received" && e.causeEventId) ids.add(e.causeEventId);
  if (e.kind === "sink-answer") ids.add(e.pushEventId);
  return ids;
}
