import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { isAtLatest, ROW_HEIGHT, scrollTopForLatest, scrollTopToReveal, visibleRows, type RowWindow, type SequenceModel } from "../../sequence";
import { useStores } from "../../stores/hooks";

/** Height of the sticky lane header inside the scroller (kept in step with sequence.css). */
export const SEQ_HEADER_HEIGHT = 44;
/** Rows' viewport when the scroller has no layout yet (first paint, jsdom). */
const FALLBACK_VIEWPORT = 480;

export interface SequenceViewport {
  scrollRef: RefObject<HTMLDivElement | null>;
  window: RowWindow;
  /** Rows fully or partly on screen, without overscan: the "visible" export scope. */
  onScreen: { start: number; end: number };
  following: boolean;
  onScroll: () => void;
  jumpToLatest: () => void;
  /** Scroll so row `index` is on screen (keyboard moves). */
  revealRow: (index: number) => void;
}

/**
 * Scrolling of the windowed diagram: follows the latest rows until the user scrolls away (or a
 * selection elsewhere needs another place), shows a selection made in another view, and reports
 * which rows to render. While following, the scroll position is derived from the model on every
 * render, so "Jump to latest" stays right while events keep arriving.
 */
export function useSequenceViewport(model: SequenceModel, selectedId: string | null): SequenceViewport {
  const stores = useStores();
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  // A selection made before this view opened is shown instead of the latest rows.
  const [follow, setFollow] = useState(() => selectedId === null || !model.rowOfEvent.has(selectedId));
  const [scrollTop, setScrollTop] = useState(() => (selectedId ? scrollTopToReveal(model, selectedId, 0, FALLBACK_VIEWPORT) ?? 0 : 0));
  const modelRef = useRef(model);
  const topRef = useRef(0);
  const viewportRef = useRef(viewport);

  // Set when the view itself moves (a reveal, a key, a jump): the DOM must be told. A position read
  // from a scroll event is never written back, or a render that lags the user's wheel would pull
  // the view back to where it was a frame ago.
  const mustWrite = useRef(false);
  const top = follow ? scrollTopForLatest(model, viewport) : scrollTop;
  useLayoutEffect(() => {
    modelRef.current = model;
    topRef.current = top;
    viewportRef.current = viewport;
    const el = scrollRef.current;
    if (el && (follow || mustWrite.current) && Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
    mustWrite.current = false;
  });

  // The scroller exists only once there are rows to draw.
  const hasRows = model.rows.length > 0;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight > SEQ_HEADER_HEIGHT ? el.clientHeight - SEQ_HEADER_HEIGHT : FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasRows]);

  const goTo = useCallback((next: number, fromScrollEvent = false) => {
    if (!fromScrollEvent) mustWrite.current = true;
    topRef.current = next;
    setScrollTop(next);
    setFollow(isAtLatest(modelRef.current, next, viewportRef.current));
  }, []);

  // A selection made in another view (the timeline, a link in the detail) is scrolled into view.
  useEffect(
    () =>
      stores.timeline.subscribe((state, prev) => {
        if (state.selectedId === prev.selectedId || state.selectedId === null) return;
        const next = scrollTopToReveal(modelRef.current, state.selectedId, topRef.current, viewportRef.current);
        if (next !== null && next !== topRef.current) goTo(next);
      }),
    [stores, goTo],
  );

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el || Math.abs(el.scrollTop - topRef.current) < 1) return;
    goTo(el.scrollTop, true);
  }, [goTo]);

  const jumpToLatest = useCallback(() => {
    mustWrite.current = true;
    setFollow(true);
  }, []);

  const revealRow = useCallback(
    (index: number) => {
      const rowTop = index * ROW_HEIGHT;
      const current = topRef.current;
      if (rowTop < current) goTo(rowTop);
      else if (rowTop + ROW_HEIGHT > current + viewportRef.current) goTo(rowTop + ROW_HEIGHT - viewportRef.current);
    },
    [goTo],
  );

  const win = visibleRows(model, top, viewport);
  const first = Math.floor(top / ROW_HEIGHT);
  const onScreen = { start: Math.min(first, model.rows.length), end: Math.min(model.rows.length, Math.ceil((top + viewport) / ROW_HEIGHT)) };
  return { scrollRef, window: win, onScreen, following: follow, onScroll, jumpToLatest, revealRow };
}
