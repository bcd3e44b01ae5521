import { memo, useMemo, useRef, useState, type RefObject } from "react";
import { TIMELINE_KINDS, type LaneId, type TimelineKind } from "../../model";
import { usePlayground } from "../../playground-context";
import { useTimelineStore } from "../../stores/hooks";
import { createLaneScanner } from "../../stores/lane-scanner";
import { selectViewEvents } from "../../stores/timeline";
import { downloadBlob } from "../shared/download";
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
  const actions = usePlayground().timeline;
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
  const playground = usePlayground();
  const actions = playground.timeline;
  const view = useTimelineStore((s) => s.view);
  const paused = useTimelineStore((s) => s.paused);
  const empty = useTimelineStore((s) => s.events.length === 0 && s.buffered.length === 0);
  const fileRef = useRef<HTMLInputElement>(null);
  const exporting = useExport();

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    // Parsed in a worker: a 100,000-event file does not block the page.
    await actions.importFile(file);
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
      <button
        type="button"
        className="btn btn-small"
        onClick={exporting.start}
        disabled={empty || exporting.busy}
        aria-describedby={exporting.error ? "timeline-export-error" : undefined}
        title="Download the live session (all events up to the moment you click, not only the filtered ones) as JSON; passwords are never included. Capture continues while it is written."
      >
        {exporting.busy ? "Exporting…" : "Export JSON"}
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
      {exporting.error ? (
        <span id="timeline-export-error" className="field-error" role="alert">
          Export failed: {exporting.error}
        </span>
      ) : null}
    </span>
  );
}

/** The export in progress (one at a time) and why the last one failed. */
function useExport(): { busy: boolean; error: string | null; start(): void } {
  const playground = usePlayground();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    if (busy) return;
    // The file is named for the click, as its events are those captured up to then.
    const stamp = fileStamp(Date.now());
    setBusy(true);
    setError(null);
    void playground.timeline.exportJson().then((result) => {
      setBusy(false);
      if (result.ok) downloadBlob(`xmpp-push-timeline-${stamp}.json`, result.blob);
      else setError(result.error);
    });
  };
  return { busy, error, start };
}
