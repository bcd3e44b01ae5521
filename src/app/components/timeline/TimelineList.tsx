import { useMemo, type RefObject } from "react";
import type { TimelineEvent } from "../../model";
import { usePlayground } from "../../playground-context";
import { useTimelineStore } from "../../stores/hooks";
import { useLanes } from "../shared/lanes";
import { VirtualList, type VirtualListHandle } from "../shared/VirtualList";
import { linkedIds, TimelineRow } from "./TimelineRow";
import { jumpTarget, useScrollToSelection, useTimelineKeys, type TimelineSelection } from "./use-timeline-selection";

const TIMELINE_ROW_HEIGHT = 28;

export interface TimelineListProps {
  listRef: RefObject<VirtualListHandle | null>;
  visible: readonly TimelineEvent[];
  selection: TimelineSelection;
  onScrollChange(atEnd: boolean): void;
}

/** The windowed listbox of visible events: selection, keyboard, and the rows linked to the selection. */
export function TimelineList({ listRef, visible, selection, onScrollChange }: TimelineListProps) {
  const playground = usePlayground();
  const lanes = useLanes();
  const view = useTimelineStore((s) => s.view);
  const search = useTimelineStore((s) => s.filters.search);
  const { selectedId, selected } = selection;
  const related = useMemo(() => (selected ? linkedIds(selected) : new Set<string>()), [selected]);
  useScrollToSelection(listRef, selection);
  const onListKey = useTimelineKeys(visible, selection);

  return (
    <VirtualList
      ref={listRef}
      count={visible.length}
      rowHeight={TIMELINE_ROW_HEIGHT}
      label="Timeline events"
      role="listbox"
      follow={view === "live"}
      getKey={(i) => visible[i]?.id ?? i}
      onScrollChange={onScrollChange}
      containerProps={{
        tabIndex: 0,
        onKeyDown: onListKey,
        "aria-activedescendant": selected ? rowDomId(selected.id) : undefined,
      }}
      rowClassName={(i) => {
        const e = visible[i];
        if (!e) return "tl-row";
        return `tl-row${e.kind === "push" ? " tl-push" : ""}${e.kind === "error" ? " tl-error" : ""}${related.has(e.id) ? " tl-linked" : ""}`;
      }}
      rowProps={(i) => {
        const e = visible[i];
        return {
          id: e ? rowDomId(e.id) : undefined,
          "aria-selected": e ? e.id === selectedId : false,
          "data-kind": e?.kind,
          onClick: () => e && playground.timeline.select(e.id),
          onDoubleClick: () => {
            const target = e ? jumpTarget(e) : undefined;
            if (target) playground.timeline.select(target);
          },
        };
      }}
      renderRow={(i) => {
        const e = visible[i];
        return e ? <TimelineRow event={e} lane={lanes.get(e.lane)} laneOf={lanes.get} needle={search} /> : null;
      }}
    />
  );
}

/** DOM id of a row, for aria-activedescendant (event ids are ours, but escape to be safe). */
function rowDomId(eventId: string): string {
  return `tl-${eventId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
