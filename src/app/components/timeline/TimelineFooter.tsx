import { useTimelineStore } from "../../stores/hooks";

export interface TimelineFooterProps {
  shownCount: number;
  totalCount: number;
  /** An event is selected but the filters hide it. */
  selectionHidden: boolean;
  /** An imported file still streaming in: how many events it has. */
  loading?: { total: number } | null;
  /** The filters are still being applied to the whole view (the count grows). */
  searching?: boolean;
}

/** Counts, dropped events, a hidden selection, and the keyboard hints. */
export function TimelineFooter({ shownCount, totalCount, selectionHidden, loading = null, searching = false }: TimelineFooterProps) {
  const view = useTimelineStore((s) => s.view);
  const filters = useTimelineStore((s) => s.filters);
  const dropped = useTimelineStore((s) => s.dropped);
  const cap = useTimelineStore((s) => s.cap);
  const filtering = Boolean(filters.lanes || filters.kinds || filters.search.trim());
  return (
    <div className="timeline-footer" aria-live="off">
      <span>
        {filtering ? `${shownCount} of ${totalCount} events shown` : `${totalCount} ${totalCount === 1 ? "event" : "events"}`}
        {searching ? ", searching…" : null}
        {loading ? `, importing (${totalCount} of ${loading.total} read)…` : null}
      </span>
      {dropped > 0 && view === "live" ? <span title={`The timeline keeps the newest ${cap} events`}>· {dropped} oldest dropped</span> : null}
      {selectionHidden ? <span>· the selected event is hidden by the filters</span> : null}
      <span className="spacer" />
      <span className="muted small">
        <kbd>↑</kbd>/<kbd>↓</kbd> select · <kbd>Enter</kbd> jump to cause · <kbd>/</kbd> search
      </span>
    </div>
  );
}
