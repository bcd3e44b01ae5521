import { useImperativeHandle, useLayoutEffect, useRef, useState, type HTMLAttributes, type Key, type ReactNode, type Ref, type RefObject } from "react";

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

type SetViewport = (update: (v: { top: number; height: number }) => { top: number; height: number }) => void;

/**
 * `top` of a list that follows its newest row: the window is then computed from the end, so rows
 * appended show in the render that adds them, and the scroll that follows them does not render
 * the list again.
 */
const TAIL = -1;

function readViewportOf(el: HTMLDivElement, setViewport: SetViewport, tail: RefObject<boolean>): void {
  const top = tail.current ? TAIL : el.scrollTop;
  setViewport((v) => (v.top === top && v.height === el.clientHeight ? v : { top, height: el.clientHeight }));
}

/**
 * Follow the list's size for as long as it is mounted. Out of the component on purpose: a callback
 * created in the render would keep that render's scope (its props, and the rows they reach, e.g.
 * a 100,000-event imported timeline) alive for the list's whole life. The same goes for the
 * cleanup of any mount-only effect.
 */
function observeViewport(el: HTMLDivElement | null, setViewport: SetViewport, pendingScroll: RefObject<(() => void) | null>, tail: RefObject<boolean>): (() => void) | undefined {
  if (!el) return undefined;
  readViewportOf(el, setViewport, tail);
  if (typeof ResizeObserver === "undefined") return undefined;
  const observer = new ResizeObserver(() => {
    readViewportOf(el, setViewport, tail);
    const pending = pendingScroll.current;
    if (pending && el.clientHeight > 0) {
      pendingScroll.current = null;
      pending();
    }
  });
  observer.observe(el);
  return () => observer.disconnect();
}

/**
 * A windowed list of fixed-height rows: only the visible rows (plus overscan) are in the DOM, so
 * 100,000 events cost the same to render as 30. The window is arithmetic (row = offset / height),
 * so adding rows costs nothing per row already there (a general virtualizer rebuilds a
 * measurement per row on every count change, O(rows) per appended batch). Rows carry
 * aria-posinset/setsize so assistive tech still knows where they are in the whole list.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, renderRow, label, role = "list", follow = false, ref } = props;
  const overscan = props.overscan ?? 8;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowRole = props.rowRole ?? (role === "listbox" ? "option" : role === "grid" ? "row" : "listitem");
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  // Following the newest row: our own sticky state, lost only when the user scrolls up.
  const following = useRef(true);
  // Whether the window is computed from the end (`follow` and following), for the viewport readers.
  const tail = useRef(follow);
  tail.current = follow && following.current;
  const readViewport = (el: HTMLDivElement) => {
    tail.current = follow && following.current;
    readViewportOf(el, setViewport, tail);
  };

  // A scroll asked for while the list is hidden (its tab not shown: no height to scroll in) is
  // applied when it gets a height, e.g. "Show C4 in timeline" from the Scenarios tab.
  const pendingScroll = useRef<(() => void) | null>(null);
  useLayoutEffect(() => observeViewport(scrollRef.current, setViewport, pendingScroll, tail), []);

  const lastTop = useRef(0);
  const atEndOf = (el: HTMLDivElement) => el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
  const scrollTo = (el: HTMLDivElement, top: number) => {
    el.scrollTo({ top });
    lastTop.current = el.scrollTop;
    readViewport(el);
  };
  const toEnd = (el: HTMLDivElement) => scrollTo(el, el.scrollHeight);

  // Following: the rows this render added are scrolled to before the frame shows them. The scroll
  // needs them laid out; in a microtask after the commit (after its observers too) that layout is
  // the one the frame then reuses: one layout per render, and no frame at the old offset.
  const followScroll = useRef(false);
  useLayoutEffect(() => {
    if (!follow || !following.current || followScroll.current) return;
    followScroll.current = true;
    queueMicrotask(() => {
      followScroll.current = false;
      const el = scrollRef.current;
      if (el && tail.current) toEnd(el);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when rows are added or removed
  }, [count, follow]);

  // The handle's scrollToIndex reads the latest count through this ref (set each render).
  const scrollIndex = useRef<(index: number, align: "start" | "center" | "end" | "auto") => void>(() => undefined);
  scrollIndex.current = (index, align) => {
    const el = scrollRef.current;
    if (!el || index < 0 || index >= count) return;
    if (el.clientHeight === 0) {
      pendingScroll.current = () => scrollIndex.current(index, align);
      return;
    }
    pendingScroll.current = null;
    const start = index * rowHeight;
    const view = el.clientHeight;
    let top: number;
    if (align === "start") top = start;
    else if (align === "end") top = start + rowHeight - view;
    else if (align === "center") top = start - (view - rowHeight) / 2;
    else if (start < el.scrollTop) top = start;
    else if (start + rowHeight > el.scrollTop + view) top = start + rowHeight - view;
    else return;
    scrollTo(el, Math.max(0, top));
    // A jump to a row away from the end stops following the tail, or the next event would yank it back.
    if (!atEndOf(el)) {
      following.current = false;
      readViewport(el);
    }
  };

  useImperativeHandle(
    ref,
    () => ({
      scrollToIndex: (index, align = "auto") => scrollIndex.current(index, align),
      scrollToEnd() {
        const el = scrollRef.current;
        if (count === 0 || !el) return;
        following.current = true;
        toEnd(el);
      },
      isAtEnd() {
        const el = scrollRef.current;
        // Following answers without reading the layout (this runs once per frame while rows arrive).
        return !el || (follow && following.current) || atEndOf(el);
      },
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the helpers only read rowHeight
    [count, rowHeight, follow],
  );

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atEnd = atEndOf(el);
    if (atEnd) following.current = true;
    else if (el.scrollTop < lastTop.current) following.current = false; // the user scrolled up
    lastTop.current = el.scrollTop;
    readViewport(el);
    props.onScrollChange?.(atEnd || (follow && following.current));
  };

  const total = count * rowHeight;
  // A list that shrank: the browser clamps its offset, a render may come first. Following: the end.
  const top = Math.max(0, viewport.top === TAIL && tail.current ? total - viewport.height : Math.min(viewport.top, total - viewport.height));
  // Following, nobody scrolls up: a row or two above is enough (a burst then mounts fewer rows).
  const first = Math.max(0, Math.floor(top / rowHeight) - (viewport.top === TAIL && tail.current ? Math.min(2, overscan) : overscan));
  const last = Math.min(count - 1, Math.ceil((top + viewport.height) / rowHeight) + overscan);
  const indexes: number[] = [];
  for (let i = first; i <= last; i++) indexes.push(i);

  return (
    <div
      ref={scrollRef}
      className={`vlist${props.className ? ` ${props.className}` : ""}`}
      role={role}
      aria-label={label}
      onScroll={onScroll}
      {...props.containerProps}
    >
      <div className="vlist-spacer" style={{ height: total }}>
        {indexes.map((index) => {
          const extra = props.rowProps?.(index) ?? {};
          return (
            <div
              key={props.getKey?.(index) ?? index}
              role={rowRole}
              aria-posinset={index + 1}
              aria-setsize={count}
              data-index={index}
              className={`vlist-row${props.rowClassName ? ` ${props.rowClassName(index)}` : ""}`}
              style={{ height: rowHeight, transform: `translateY(${index * rowHeight}px)` }}
              {...extra}
            >
              {renderRow(index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
