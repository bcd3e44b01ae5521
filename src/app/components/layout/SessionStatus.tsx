import { useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import type { ConnectionStatus } from "../../model";
import { useSessionsStore } from "../../stores/hooks";
import type { SessionsState } from "../../stores/sessions";
import { STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { LaneChip } from "../shared/LaneChip";
import { StatusDot } from "../shared/StatusDot";

/** Up to this many sessions the header lists them all; above, a one-line summary opens the list. */
export const SESSION_LIST_LIMIT = 8;

const SUMMARY_ORDER: readonly ConnectionStatus[] = ["online", "connecting", "disconnecting", "offline", "failed"];

/** "102 sessions: 100 connected, 2 failed" (statuses with no session are left out). */
export function sessionSummary(s: Pick<SessionsState, "order" | "sessions">): string {
  const counts = new Map<ConnectionStatus, number>();
  for (const id of s.order) {
    const status = s.sessions[id]?.status;
    if (status) counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const parts = SUMMARY_ORDER.filter((st) => counts.has(st)).map((st) => `${counts.get(st)} ${STATUS_LABELS[st]}`);
  const total = s.order.length;
  return `${total} ${total === 1 ? "session" : "sessions"}${parts.length ? `: ${parts.join(", ")}` : ""}`;
}

/**
 * Every session's connection state at a glance. With many sessions (100 resources) a list would
 * take most of the screen's height, so it becomes a summary with the full list on demand.
 */
export function SessionStatus() {
  const count = useSessionsStore((s) => s.order.length);
  if (count === 0) return <p className="header-status small muted">No sessions: add a resource or connect.</p>;
  return count <= SESSION_LIST_LIMIT ? <SessionList /> : <SessionSummaryButton />;
}

function SessionList({ className = "header-status" }: { className?: string }) {
  // Only what the list shows: a change of presence or counters does not re-render the header.
  const rows = useSessionsStore(
    useShallow((s) => s.order.flatMap((id) => {
      const v = s.sessions[id];
      return v ? [`${v.id}\u0000${v.label}\u0000${v.colour}\u0000${v.status}\u0000${v.lastError?.message ?? v.jid ?? ""}`] : [];
    })),
  );
  return (
    <ul className={className} aria-label="Session status">
      {rows.map((row) => {
        const [id, label, colour, status, title] = row.split("\u0000") as [string, string, string, ConnectionStatus, string];
        return (
          <li key={id} className="status" style={{ listStyle: "none" }}>
            <LaneChip label={label} colour={colour} />
            <StatusDot tone={STATUS_TONES[status]} label={STATUS_LABELS[status]} title={title || undefined} />
          </li>
        );
      })}
    </ul>
  );
}

function SessionSummaryButton() {
  const summary = useSessionsStore(sessionSummary);
  const failed = useSessionsStore((s) => s.order.some((id) => s.sessions[id]?.status === "failed"));
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", close);
    document.addEventListener("pointerdown", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("pointerdown", close);
    };
  }, [open]);
  return (
    <div className="header-status session-summary" ref={box}>
      <button
        type="button"
        className={`btn btn-small${failed ? " session-summary-failed" : ""}`}
        aria-expanded={open}
        aria-controls="session-status-list"
        title="Show every session and its state"
        onClick={() => setOpen((o) => !o)}
      >
        {summary}
      </button>
      {open ? (
        <div id="session-status-list" className="session-summary-popover">
          <SessionList className="session-summary-list" />
        </div>
      ) : null}
    </div>
  );
}
