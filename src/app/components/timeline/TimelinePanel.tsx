import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { TIMELINE_KINDS, type LaneId, type TimelineEvent, type TimelineKind } from "../../model";
import { usePlayground } from "../../playground-context";
import { useStores, useTimelineStore, useVisibleTimeline } from "../../stores/hooks";
import { selectViewEvents } from "../../stores/timeline";
import { downloadText } from "../shared/download";
import { EmptyState } from "../shared/EmptyState";
import { FilterMenu } from "../shared/FilterMenu";
import { fileStamp, formatDateTime } from "../shared/format";
import { useLanes } from "../shared/lanes";
import { VirtualList, type VirtualListHandle } from "../shared/VirtualList";
import { linkedIds, TimelineRow } from "./TimelineRow";

const TIMELINE_ROW_HEIGHT = 28;

/**
 * The one time-ordered view of everything the playground observed. Capture lives in the stores, so
 * this view can be unmounted, paused or filtered without losing a single event.
 */
export function TimelinePanel() {
  const stores = useStores();
  const playground = usePlayground();
  // Filters, pause and search are this view's own state; selection and import go through the service.
  const actions = stores.timeline.getState();
  const visible = useVisibleTimeline();
  const view = useTimelineStore((s) => s.view);
  const live = useTimelineStore((s) => s.events);
  const imported = useTimelineStore((s) => s.imported);
  const filters = useTimelineStore((s) => s.filters);
  const paused = useTimelineStore((s) => s.paused);
  const bufferedCount = useTimelineStore((s) => s.buffered.length);
  const dropped = useTimelineStore((s) => s.dropped);
  const cap = useTimelineStore((s) => s.cap);
  const selectedId = useTimelineStore((s) => s.selectedId);
  const importError = useTimelineStore((s) => s.importError);
  const lanes = useLanes();

  const listRef = useRef<VirtualListHandle>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [atEnd, setAtEnd] = useState(true);

  const viewEvents = useMemo(() => selectViewEvents({ view, events: live, imported }), [view, live, imported]);
  const laneIds = useMemo(() => {
    const ids = lanes.list.map((l) => l.id);
    const seen = new Set(ids);
    for (const e of viewEvents) {
      if (!seen.has(e.lane)) {
        seen.add(e.lane);
        ids.push(e.lane);
      }
    }
    return ids;
  }, [lanes, viewEvents]);

  const selectedIndex = useMemo(
    () => (selectedId ? visible.findIndex((e) => e.id === selectedId) : -1),
    [visible, selectedId],
  );
  const selected = selectedIndex >= 0 ? visible[selectedIndex] : undefined;
  const related = useMemo(() => (selected ? linkedIds(selected) : new Set<string>()), [selected]);

  // Scroll to the selection when it changes (a click, a key, a jump from the detail pane), but not
  // on every new event: following the tail must not yank the view back.
  const lastScrolled = useRef<string | null>(null);
  useEffect(() => {
    if (selectedId && selectedId !== lastScrolled.current && selectedIndex >= 0) {
      listRef.current?.scrollToIndex(selectedIndex, "auto");
    }
    lastScrolled.current = selectedId;
  }, [selectedId, selectedIndex]);

  // "/" focuses the search box from anywhere outside a text field (Gajim and browsers use Ctrl+F).
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
  }, []);

  const select = (index: number) => {
    const event = visible[Math.max(0, Math.min(visible.length - 1, index))];
    if (event) playground.timeline.select(event.id);
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = 10;
    switch (e.key) {
      case "ArrowDown":
        select(selectedIndex < 0 ? 0 : selectedIndex + 1);
        break;
      case "ArrowUp":
        select(selectedIndex < 0 ? visible.length - 1 : selectedIndex - 1);
        break;
      case "PageDown":
        select(selectedIndex + page);
        break;
      case "PageUp":
        select(selectedIndex - page);
        break;
      case "Home":
        select(0);
        break;
      case "End":
        select(visible.length - 1);
        break;
      case "Enter": {
        const target = selected ? jumpTarget(selected) : undefined;
        if (target) playground.timeline.select(target);
        break;
      }
      case "Escape":
        playground.timeline.select(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const exportNow = () => {
    downloadText(`xmpp-push-timeline-${fileStamp(Date.now())}.json`, actions.exportJson());
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    playground.timeline.importJson(text, file.name);
    if (fileRef.current) fileRef.current.value = "";
  };

  const kindItems = TIMELINE_KINDS.map((k) => ({ id: k, label: k, checked: !filters.kinds || filters.kinds.includes(k) }));
  const laneItems = laneIds.map((id) => {
    const info = lanes.get(id);
    return { id, label: info.label, colour: info.colour, checked: !filters.lanes || filters.lanes.includes(id) };
  });
  const filtering = Boolean(filters.lanes || filters.kinds || filters.search.trim());
  const activeDescendant = selected ? rowDomId(selected.id) : undefined;

  return (
    <section className="timeline" aria-label="Timeline">
      <div className="toolbar" role="toolbar" aria-label="Timeline tools">
        <label className="visually-hidden" htmlFor="timeline-search">
          Search timeline
        </label>
        <input
          id="timeline-search"
          ref={searchRef}
          className="input search"
          type="search"
          placeholder="Search summaries and XML  ( / )"
          value={filters.search}
          onChange={(e) => actions.setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") actions.setSearch("");
          }}
        />
        <FilterMenu
          label="Sessions"
          groupLabel="Filter by session"
          items={laneItems}
          onToggle={(id) => actions.toggleLane(id as LaneId, laneIds)}
          onReset={() => actions.setLaneFilter(null)}
        />
        <FilterMenu
          label="Kinds"
          groupLabel="Filter by kind"
          items={kindItems}
          onToggle={(id) => actions.toggleKind(id as TimelineKind)}
          onReset={() => actions.setKindFilter(null)}
        />
        <span className="toolbar-group">
          {view === "live" ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => (paused ? actions.resume() : actions.pause())}
              title={paused ? "Show the events captured while paused" : "Freeze the view; capture continues underneath"}
            >
              {paused ? "Resume" : "Pause"}
            </button>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => listRef.current?.scrollToEnd()} disabled={visible.length === 0 || atEnd}>
            Jump to latest
          </button>
          <button type="button" className="btn btn-small" onClick={() => actions.clear()} disabled={view !== "live" || (live.length === 0 && bufferedCount === 0)}>
            Clear
          </button>
          <button type="button" className="btn btn-small" onClick={exportNow} disabled={live.length === 0 && bufferedCount === 0} title="Download the live session (all events, not only the filtered ones) as JSON; passwords are never included">
            Export JSON
          </button>
          <button type="button" className="btn btn-small" onClick={() => fileRef.current?.click()} title="Open an exported timeline read-only; live capture continues">
            Import JSON
          </button>
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Timeline file to import"
            onChange={(e) => void importFile(e.target.files?.[0])}
          />
        </span>
      </div>

      {importError ? (
        <div className="callout callout-err" role="alert">
          Import failed: {importError}
        </div>
      ) : null}
      {view === "imported" && imported ? (
        <div className="callout" role="status">
          Viewing imported timeline{imported.source ? ` “${imported.source}”` : ""} ({imported.events.length} events, exported{" "}
          {formatDateTime(Date.parse(imported.exportedAt))}). Live capture continues.{" "}
          <button type="button" className="btn btn-small" onClick={() => playground.timeline.closeImport()}>
            Back to live
          </button>
        </div>
      ) : null}
      {paused && view === "live" ? (
        <div className="callout callout-warn" role="status">
          Paused: {bufferedCount} new {bufferedCount === 1 ? "event" : "events"} waiting. Capture continues.
        </div>
      ) : null}

      {visible.length === 0 ? (
        viewEvents.length === 0 ? (
          <EmptyState title="Nothing captured yet">
            Connect the sink, then enable push from a resource. Presence changes, enable and disable, messages and
            the pushes they cause will appear here in time order.
          </EmptyState>
        ) : (
          <EmptyState title="No event matches the filters">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                actions.setSearch("");
                actions.setLaneFilter(null);
                actions.setKindFilter(null);
              }}
            >
              Clear filters
            </button>
          </EmptyState>
        )
      ) : (
        <VirtualList
          ref={listRef}
          count={visible.length}
          rowHeight={TIMELINE_ROW_HEIGHT}
          label="Timeline events"
          role="listbox"
          follow={view === "live"}
          getKey={(i) => visible[i]?.id ?? i}
          onScrollChange={setAtEnd}
          containerProps={{
            tabIndex: 0,
            onKeyDown: onListKey,
            "aria-activedescendant": activeDescendant,
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
            return e ? <TimelineRow event={e} lane={lanes.get(e.lane)} laneOf={lanes.get} needle={filters.search} /> : null;
          }}
        />
      )}

      <div className="timeline-footer" aria-live="off">
        <span>
          {filtering ? `${visible.length} of ${viewEvents.length} events shown` : `${viewEvents.length} ${viewEvents.length === 1 ? "event" : "events"}`}
        </span>
        {dropped > 0 && view === "live" ? (
          <span title={`The timeline keeps the newest ${cap} events`}>· {dropped} oldest dropped</span>
        ) : null}
        {selected === undefined && selectedId ? (
          <span>
            · the selected event is hidden by the filters
          </span>
        ) : null}
        <span className="spacer" />
        <span className="muted small">
          <kbd>↑</kbd>/<kbd>↓</kbd> select · <kbd>Enter</kbd> jump to cause · <kbd>/</kbd> search
        </span>
      </div>
    </section>
  );
}

/** DOM id of a row, for aria-activedescendant (event ids are ours, but escape to be safe). */
function rowDomId(eventId: string): string {
  return `tl-${eventId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** Where Enter / double-click goes: a push to its message, a sink answer to its push. */
function jumpTarget(e: TimelineEvent): string | undefined {
  if (e.kind === "push") return e.causeEventId;
  if (e.kind === "sink-answer") return e.pushEventId;
  if (e.kind === "message-received") return e.causeEventId;
  if (e.kind === "message-sent") return e.pushEventIds?.[0];
  return undefined;
}
