import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useImperativeHandle, useRef, type HTMLAttributes, type Key, type ReactNode, type Ref } from "react";

export interface VirtualListHandle {
  scrollToIndex(index: number, align?: "start" | "center" | "end" | "auto"): void;
  scrollToEnd(): void;
  /** Whether the view shows the last row (used to offer "jump to latest"). */
  isAtEnd(): boolean;
}

export interface VirtualListProps {
  count: number;
  /** Fixed row height in px (rows are single-line; details open elsewhere). */
  rowHeight: number;
  getKey?: (index: number) => Key;
  renderRow: (index: number) => ReactNode;
  /** Accessible name of the list. */
  label: string;
  role?: "list" | "listbox" | "log" | "grid";
  /** Row role; defaults to listitem (list/log) or option (listbox). */
  rowRole?: "listitem" | "option" | "row";
  /**
   * Keep the newest row in view (chat-like follow) until the user scrolls up; scrolling back to the
   * end, or `scrollToEnd`, follows again.
   */
  follow?: boolean;
  overscan?: number;
  className?: string;
  rowClassName?: (index: number) => string;
  rowProps?: (index: number) => HTMLAttributes<HTMLDivElement> & { [data: `data-${string}`]: string | undefined };
  containerProps?: HTMLAttributes<HTMLDivElement>;
  ref?: Ref<VirtualListHandle>;
  onScrollChange?: (atEnd: boolean) => void;
}

/**
 * A windowed list over @tanstack/react-virtual: only the visible rows (plus overscan) are in the
 * DOM, so 100,000 events cost the same to render as 30. Rows carry aria-posinset/setsize so
 * assistive tech still knows where they are in the whole list.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, renderRow, label, role = "list", follow = false, ref } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowRole = props.rowRole ?? (role === "listbox" ? "option" : role === "grid" ? "row" : "listitem");

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: props.overscan ?? 8,
    getItemKey: props.getKey,
    // React 19 warns when flushSync runs inside an effect; plain state updates are smooth enough.
    useFlushSync: false,
  });

  // Following is our own state, not the virtualizer's end anchor: that one re-decides on every
  // append from a 1 px "at the end" test (lost when a scroll event is still in flight) and scans
  // the keys for its anchor, O(rows) per append.
  const following = useRef(true);
  const lastTop = useRef(0);
  const atEndOf = (el: HTMLDivElement) => el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
  const toEnd = (el: HTMLDivElement) => {
    el.scrollTo({ top: el.scrollHeight });
    lastTop.current = el.scrollTop;
  };

  // Scrolling to the end reads the layout; done in the layout effect it would force a layout per
  // render (per flush under load). In a frame callback the read shares the layout the frame does
  // anyway, and the newest rows are already in the DOM thanks to the overscan.
  const followFrame = useRef<number | null>(null);
  useEffect(() => {
    if (!follow) return;
    if (followFrame.current === null) {
      followFrame.current = requestAnimationFrame(() => {
        followFrame.current = null;
        const el = scrollRef.current;
        if (!el) return;
        if (atEndOf(el)) following.current = true;
        if (following.current) toEnd(el);
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when rows are added or removed
  }, [count, follow]);
  useEffect(
    () => () => {
      if (followFrame.current !== null) cancelAnimationFrame(followFrame.current);
    },
    [],
  );

  useImperativeHandle(
    ref,
    () => ({
      scrollToIndex(index, align = "auto") {
        if (index >= 0 && index < count) virtualizer.scrollToIndex(index, { align });
      },
      scrollToEnd() {
        if (count === 0) return;
        following.current = true;
        virtualizer.scrollToIndex(count - 1, { align: "end" });
        if (scrollRef.current) toEnd(scrollRef.current);
      },
      isAtEnd() {
        const el = scrollRef.current;
        return !el || atEndOf(el) || (follow && following.current);
      },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- atEndOf/toEnd only read rowHeight
    [virtualizer, count, rowHeight, follow],
  );

  const items = virtualizer.getVirtualItems();
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atEnd = atEndOf(el);
    if (atEnd) following.current = true;
    else if (el.scrollTop < lastTop.current) following.current = false; // the user scrolled up
    lastTop.current = el.scrollTop;
    props.onScrollChange?.(atEnd || (follow && following.current));
  };

  return (
    <div
      ref={scrollRef}
      className={`vlist${props.className ? ` ${props.className}` : ""}`}
      role={role}
      aria-label={label}
      onScroll={onScroll}
      {...props.containerProps}
    >
      <div className="vlist-spacer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const extra = props.rowProps?.(item.index) ?? {};
          return (
            <div
              key={item.key}
              role={rowRole}
              aria-posinset={item.index + 1}
              aria-setsize={count}
              data-index={item.index}
              className={`vlist-row${props.rowClassName ? ` ${props.rowClassName(item.index)}` : ""}`}
              style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              {...extra}
            >
              {renderRow(item.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
