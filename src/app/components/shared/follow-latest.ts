import { useEffect, useLayoutEffect, useState, type RefObject } from "react";
import type { VirtualListHandle } from "./VirtualList";

/**
 * `[atEnd, setAtEnd]` for a following list: it opens at its newest row, like the timeline (when
 * it mounts: the tab opened, the first row arrived, filters that matched nothing match again),
 * and whether it is at the end is re-read whenever the rows change (rows arriving while scrolled
 * up, a filter that leaves a few), not only when the user scrolls (`setAtEnd` is for that).
 * A list appended in place passes `changed`, a value that changes with its rows.
 */
export function useFollowLatest(listRef: RefObject<VirtualListHandle | null>, rows: readonly unknown[], changed?: unknown): [boolean, (atEnd: boolean) => void] {
  const [atEnd, setAtEnd] = useState(true);
  const hasRows = rows.length > 0;
  useLayoutEffect(() => {
    if (hasRows) listRef.current?.scrollToEnd();
  }, [hasRows, listRef]);
  useEffect(() => {
    // After the list has laid out (and followed) the new rows.
    const frame = requestAnimationFrame(() => setAtEnd(listRef.current?.isAtEnd() ?? true));
    return () => cancelAnimationFrame(frame);
    // `changed`: lists that grow in place say so with a new value (the array keeps its identity).
  }, [rows, rows.length, changed, listRef]);
  return [atEnd, setAtEnd];
}
