import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { LaneId } from "../../model";
import { useSessionsStore } from "../../stores/hooks";
import { ResourceCard } from "./ResourceCard";

/** Up to this many cards are all in the DOM; above, only those in (or near) view. */
export const VIRTUALIZE_ABOVE = 24;
/** A card's usual height before it is measured. */
const ESTIMATED_CARD_PX = 280;

/**
 * A column of cards by lane id. Each card reads its own session from the store, so a change to one
 * session re-renders one card, not the column. With many lanes (100 resources) the list is
 * windowed over the column that scrolls; cards have different heights, so they are measured.
 * Another kind of lane is another `renderLane`.
 */
export function ResourceList({ ids, renderLane = (id) => <ResourceCardById id={id} /> }: { ids: readonly LaneId[]; renderLane?: (id: LaneId) => ReactNode }) {
  if (ids.length <= VIRTUALIZE_ABOVE) {
    return (
      <div className="resource-list">
        {ids.map((id) => (
          <LaneSlot key={id} id={id} render={renderLane} />
        ))}
      </div>
    );
  }
  return <WindowedList ids={ids} renderLane={renderLane} />;
}

const LaneSlot = memo(function LaneSlot({ id, render }: { id: LaneId; render: (id: LaneId) => ReactNode }) {
  return <>{render(id)}</>;
});

/** A resource card for the session `id` (renders when that session changes). */
export const ResourceCardById = memo(function ResourceCardById({ id }: { id: LaneId }) {
  const session = useSessionsStore((s) => s.sessions[id]);
  return session ? <ResourceCard session={session} /> : null;
});

function scrollParent(el: HTMLElement | null): HTMLElement | null {
  for (let p = el?.parentElement ?? null; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === "auto" || overflowY === "scroll") return p;
  }
  return null;
}

function WindowedList({ ids, renderLane }: { ids: readonly LaneId[]; renderLane: (id: LaneId) => ReactNode }) {
  const listRef = useRef<HTMLDivElement>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const parent = scrollParent(listRef.current);
    setScroller(parent);
    if (parent && listRef.current) {
      setMargin(listRef.current.getBoundingClientRect().top - parent.getBoundingClientRect().top + parent.scrollTop);
    }
  }, []);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller,
    estimateSize: () => ESTIMATED_CARD_PX,
    overscan: 3,
    scrollMargin: margin,
    getItemKey: (i) => ids[i] ?? i,
    gap: 8,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  return (
    <div ref={listRef} className="resource-list resource-list-windowed" aria-label={`${ids.length} resources (only those in view are shown)`} role="group">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((item) => {
          const id = ids[item.index];
          return id === undefined ? null : (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start - margin}px)` }}
            >
              <LaneSlot id={id} render={renderLane} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
