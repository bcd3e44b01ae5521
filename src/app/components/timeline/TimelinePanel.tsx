import { useCallback, useRef } from "react";
import { TimelineListView as TimelineList } from "../../lazy-views";
import { useTimelineStore, useVisibleTimeline } from "../../stores/hooks";
import { selectViewEvents } from "../../stores/timeline";
import { useFollowLatest } from "../shared/follow-latest";
import type { VirtualListHandle } from "../shared/VirtualList";
import { TimelineEmpty } from "./TimelineEmpty";
import { TimelineFooter } from "./TimelineFooter";
import { TimelineNotices } from "./TimelineNotices";
import { TimelineToolbar } from "./TimelineToolbar";
import { useSearchShortcut, useTimelineSelection } from "./use-timeline-selection";

/**
 * The one time-ordered view of everything the playground observed. Capture lives in the stores, so
 * this view can be unmounted, paused or filtered without losing a single event. Filters, pause and
 * search are this view's own state; selection and import go through the service.
 */
export function TimelinePanel() {
  const shown = useVisibleTimeline();
  const { events: visible, indexOf } = shown;
  const totalCount = useTimelineStore((s) => selectViewEvents(s).length);
  const loading = useTimelineStore((s) => (s.view === "imported" ? (s.imported?.loading ?? null) : null));
  const selection = useTimelineSelection(visible, indexOf, shown);

  const listRef = useRef<VirtualListHandle>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  useSearchShortcut(searchRef);
  // Opens at the newest event and re-reads "at the end" whenever the rows change, not only on scroll.
  const [atEnd, setAtEnd] = useFollowLatest(listRef, visible, shown);
  const onJump = useCallback(() => listRef.current?.scrollToEnd(), []);

  return (
    <section className="timeline" aria-label="Timeline">
      <TimelineToolbar searchRef={searchRef} canJump={visible.length > 0 && !atEnd} onJump={onJump} />
      <TimelineNotices />
      {visible.length === 0 ? (
        <TimelineEmpty nothingCaptured={totalCount === 0} />
      ) : (
        <TimelineList listRef={listRef} visible={visible} selection={selection} onScrollChange={setAtEnd} />
      )}
      <TimelineFooter
        shownCount={visible.length}
        totalCount={totalCount}
        loading={loading}
        searching={!shown.complete}
        selectionHidden={shown.complete && selection.selected === undefined && Boolean(selection.selectedId)}
      />
    </section>
  );
}
