import { useEffect, useMemo, useRef, type KeyboardEvent, type RefObject } from "react";
import type { TimelineEvent } from "../../model";
import { usePlayground } from "../../playground-context";
import { useTimelineStore } from "../../stores/hooks";
import type { VirtualListHandle } from "../shared/VirtualList";

export interface TimelineSelection {
  selectedId: string | null;
  selectedIndex: number;
  /** The selected event when the filters show it. */
  selected: TimelineEvent | undefined;
}

/**
 * The selected event and where it is among the visible ones (`indexOf`: an id → position lookup,
 * not a scan). `version` changes whenever the rows do (lists grow in place); without it, `visible`.
 */
export function useTimelineSelection(
  visible: readonly TimelineEvent[],
  indexOf: (id: string) => number = (id) => visible.findIndex((e) => e.id === id),
  version?: unknown,
): TimelineSelection {
  const selectedId = useTimelineStore((s) => s.selectedId);
  // visible.length too: the list may grow in place, and the selected event may arrive after it
  // was selected (a scenario row's "Show in timeline" before its flush).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- indexOf answers for `visible`
  const selectedIndex = useMemo(() => (selectedId ? indexOf(selectedId) : -1), [visible, visible.length, version, selectedId]);
  return { selectedId, selectedIndex, selected: selectedIndex >= 0 ? visible[selectedIndex] : undefined };
}

/**
 * Scrolls to the selection when it changes (a click, a key, a jump from the detail pane), but not
 * on every new event: following the tail must not yank the view back.
 */
export function useScrollToSelection(listRef: RefObject<VirtualListHandle | null>, { selectedId, selectedIndex }: TimelineSelection): void {
  const lastScrolled = useRef<string | null>(null);
  useEffect(() => {
    // A selection not among the rows yet is scrolled to once it appears.
    if (selectedId && selectedIndex < 0) return;
    if (selectedId && selectedId !== lastScrolled.current) listRef.current?.scrollToIndex(selectedIndex, "auto");
    lastScrolled.current = selectedId;
  }, [listRef, selectedId, selectedIndex]);
}

const PAGE = 10;

/** The list's keys: arrows, pages, Home/End select; Enter jumps to the cause; Escape deselects. */
export function useTimelineKeys(visible: readonly TimelineEvent[], { selectedIndex, selected }: TimelineSelection) {
  const playground = usePlayground();
  const select = (index: number) => {
    const event = visible[Math.max(0, Math.min(visible.length - 1, index))];
    if (event) playground.timeline.select(event.id);
  };
  const targetOf = (key: string): number | "jump" | "clear" | undefined => {
    switch (key) {
      case "ArrowDown":
        return selectedIndex < 0 ? 0 : selectedIndex + 1;
      case "ArrowUp":
        return selectedIndex < 0 ? visible.length - 1 : selectedIndex - 1;
      case "PageDown":
        return selectedIndex + PAGE;
      case "PageUp":
        return selectedIndex - PAGE;
      case "Home":
        return 0;
      case "End":
        return visible.length - 1;
      case "Enter":
        return "jump";
      case "Escape":
        return "clear";
      default:
        return undefined;
    }
  };
  return (e: KeyboardEvent<HTMLDivElement>) => {
    const target = targetOf(e.key);
    if (target === undefined) return;
    if (target === "jump") {
      const cause = selected ? jumpTarget(selected) : undefined;
      if (cause) playground.timeline.select(cause);
    } else if (target === "clear") {
      playground.timeline.select(null);
    } else {
      select(target);
    }
    e.preventDefault();
  };
}

/** Where Enter / double-click goes: a push to its message, a sink answer to its push. */
export function jumpTarget(e: TimelineEvent): string | undefined {
  if (e.kind === "push") return e.causeEventId;
  if (e.kind === "sink-answer") return e.pushEventId;
  if (e.kind === "message-received") return e.causeEventId;
  if (e.kind === "message-sent") return e.pushEventIds?.[0];
  return undefined;
}

/** "/" focuses the search box from anywhere outside a text field (Gajim and browsers use Ctrl+F). */
export function useSearchShortcut(searchRef: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      searchRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [searchRef]);
}
