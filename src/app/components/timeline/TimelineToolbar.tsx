import { memo, useMemo, useRef, type RefObject } from "react";
import { TIMELINE_KINDS, type LaneId, type TimelineKind } from "../../model";
import { usePlayground } from "../../playground-context";
import { useStores, useTimelineStore } from "../../stores/hooks";
import { createLaneScanner } from "../../stores/lane-scanner";
import { selectViewEvents } from "../../stores/timeline";
import { downloadText } from "../shared/download";
import { FilterMenu } from "../shared/FilterMenu";
import { fileStamp } from "../shared/format";
import { useLanes } from "../shared/lanes";

export interface TimelineToolbarProps {
  searchRef: RefObject<HTMLInputElement | null>;
  canJump: boolean;
  onJump(): void;
}

/**
 * The timeline's search, filters, pause, "Jump to latest", clear, export and import. Memoised, and
 * its selectors change only with filters or a new lane: events arriving do not re-render it.
 */
export const TimelineToolbar = memo(function TimelineToolbar({ searchRef, canJump, onJump }: TimelineToolbarProps) {
  const actions = useStores().timeline.getState();
  const filters = useTimelineStore((s) => s.filters);
  const laneIds = useLaneIds();
  const lanes = useLanes();

  const kindItems = TIMELINE_KINDS.map((k) => ({ id: k, label: k, checked: !filters.kinds || filters.kinds.includes(k) }));
  const laneItems = laneIds.map((id) => {
    const info = lanes.get(id);
    return { id, label: info.label, colour: info.colour, checked: !filters.lanes || filters.lanes.includes(id) };
  });

  return (
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
      <TimelineActions canJump={canJump} onJump={onJump} />
    </div>
  );
});

/** Every session lane, then any other lane the view's events use (an imported timeline's). */
function useLaneIds(): LaneId[] {
  const lanes = useLanes();
  const scan = useMemo(() => createLaneScanner(), []);
  const used = useTimelineStore((s) => scan(selectViewEvents(s)));
  return useMemo(() => {
    const ids = lanes.list.map((l) => l.id);
    const seen = new Set(ids);
    for (const lane of used) {
      if (!seen.has(lane)) {
        seen.add(lane);
        ids.push(lane);
      }
    }
    return ids;
  }, [lanes, used]);
}

/** Pause/resume, "Jump to latest", clear, and the JSON export and import. */
function TimelineActions({ canJump, onJump }: Pick<TimelineToolbarProps, "canJump" | "onJump">) {
  const actions = useStores().timeline.getState();
  const playground = usePlayground();
  const view = useTimelineStore((s) => s.view);
  const paused = useTimelineStore((s) => s.paused);
  const empty = useTimelineStore((s) => s.events.length === 0 && s.buffered.length === 0);
  const fileRef = useRef<HTMLInputElement>(null);

  const exportNow = () => {
    downloadText(`xmpp-push-timeline-${fileStamp(Date.now())}.json`, actions.exportJson());
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    // Parsed in a worker: a 100,000-event file does not block the page.
    await playground.timeline.importFile(file);
    if (fileRef.current) fileRef.current.value = "";
  };

  return (
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
      <button type="button" className="btn btn-small" onClick={onJump} disabled={!canJump}>
        Jump to latest
      </button>
      <button type="button" className="btn btn-small" onClick={() => actions.clear()} disabled={view !== "live" || empty}>
        Clear
      </button>
      <button type="button" className="btn btn-small" onClick={exportNow} disabled={empty} title="Download the live session (all events, not only the filtered ones) as JSON; passwords are never included">
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
  );
}
