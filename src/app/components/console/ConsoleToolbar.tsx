import { FRAME_KINDS, type FrameKind, type LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { useConsoleStore } from "../../stores/hooks";
import { FilterMenu } from "../shared/FilterMenu";
import { useLanes } from "../shared/lanes";

export interface ConsoleToolbarProps {
  /** Every lane that has frames or a session, for the Sessions filter. */
  laneIds: LaneId[];
  canJump: boolean;
  onJump(): void;
  canClear: boolean;
  onClear(): void;
}

/** The console's search, filters, pause, "Jump to latest" and clear. */
export function ConsoleToolbar({ laneIds, canJump, onJump, canClear, onClear }: ConsoleToolbarProps) {
  const actions = usePlayground().console;
  const filters = useConsoleStore((s) => s.filters);
  const paused = useConsoleStore((s) => s.paused);
  const lanes = useLanes();
  return (
    <div className="toolbar" role="toolbar" aria-label="Console tools">
      <label className="visually-hidden" htmlFor="console-search">
        Search frames
      </label>
      <input
        id="console-search"
        className="input search"
        type="search"
        placeholder="Search raw XML"
        value={filters.search}
        onChange={(e) => actions.setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") actions.setSearch("");
        }}
      />
      <label className="field-check small">
        <input type="checkbox" checked={filters.directions.in} onChange={(e) => actions.setDirection("in", e.target.checked)} />
        Incoming
      </label>
      <label className="field-check small">
        <input type="checkbox" checked={filters.directions.out} onChange={(e) => actions.setDirection("out", e.target.checked)} />
        Outgoing
      </label>
      <FilterMenu
        label="Kinds"
        groupLabel="Filter frames by kind"
        items={FRAME_KINDS.map((k) => ({ id: k, label: k, checked: !filters.kinds || filters.kinds.includes(k) }))}
        onToggle={(id) => actions.toggleKind(id as FrameKind)}
        onReset={() => actions.setKindFilter(null)}
      />
      <FilterMenu
        label="Sessions"
        groupLabel="Filter frames by session"
        items={laneIds.map((id) => {
          const info = lanes.get(id);
          return { id, label: info.label, colour: info.colour, checked: !filters.lanes || filters.lanes.includes(id) };
        })}
        onToggle={(id) => actions.toggleLane(id as LaneId, laneIds)}
        onReset={() => actions.setLaneFilter(null)}
      />
      <label className="field-check small" title="XEP-0198 <r/>, <a/>, <enable/>, <enabled/>… are hidden by default">
        <input type="checkbox" checked={!filters.hideSm} onChange={(e) => actions.setHideSm(!e.target.checked)} />
        Show stream management
      </label>
      <span className="toolbar-group">
        <button type="button" className="btn btn-small" onClick={() => (paused ? actions.resume() : actions.pause())}>
          {paused ? "Resume" : "Pause"}
        </button>
        <button type="button" className="btn btn-small" onClick={onJump} disabled={!canJump}>
          Jump to latest
        </button>
        <button type="button" className="btn btn-small" onClick={onClear} disabled={!canClear}>
          Clear
        </button>
      </span>
    </div>
  );
}
