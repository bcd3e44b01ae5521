/** The windowed column of ResourceList (more than VIRTUALIZE_ABOVE lanes), in its own chunk. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { LaneId } from "../../model";
import { ESTIMATED_CARD_PX, LaneSlot } from "./ResourceList";

function scrollParent(el: HTMLElement | null): HTMLElement | null {
  for (let p = el?.parentElement ?? null; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === "auto" || overflowY === "scroll") return p;
  }
  return null;
}

export function WindowedList({ ids, renderLane }: { ids: readonly LaneId[]; renderLane: (id: LaneId) => ReactNode }) {
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
