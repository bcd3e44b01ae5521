import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { usePlayground } from "../../playground-context";
import { useConsoleStore, useVisibleFrames } from "../../stores/hooks";
import { createLaneScanner } from "../../stores/lane-scanner";
import { EmptyState } from "../shared/EmptyState";
import { formatTime } from "../shared/format";
import { LaneChip } from "../shared/LaneChip";
import { useLanes } from "../shared/lanes";
import { VirtualList, type VirtualListHandle } from "../shared/VirtualList";
import { XmlView } from "../xml/XmlView";
import { Composer } from "./Composer";
import { ConsoleToolbar } from "./ConsoleToolbar";
import { useFollowLatest } from "../shared/follow-latest";
import { FrameEnableLint } from "./FrameEnableLint";

const FRAME_ROW_HEIGHT = 24;

/**
 * Raw frames of every session, as on the wire (SASL masked). Stream-management chatter is hidden
 * by default, as in Gajim and Psi. Capture runs in the stores whether or not this tab is open.
 */
export function ConsolePanel() {
  const playground = usePlayground();
  const shown = useVisibleFrames();
  const visible = shown.frames;
  const total = useConsoleStore((s) => s.frames.length);
  const filters = useConsoleStore((s) => s.filters);
  const paused = useConsoleStore((s) => s.paused);
  const bufferedCount = useConsoleStore((s) => s.buffered.length);
  const dropped = useConsoleStore((s) => s.dropped);
  const smCount = useConsoleStore((s) => (s.filters.hideSm ? s.smCount : 0));
  const laneScan = useMemo(() => createLaneScanner(), []);
  const usedLanes = useConsoleStore((s) => laneScan(s.frames));
  const lanes = useLanes();
  const listRef = useRef<VirtualListHandle>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [atEnd, setAtEnd] = useFollowLatest(listRef, visible, shown);

  const laneIds = useMemo(() => {
    const ids = lanes.list.map((l) => l.id);
    const seen = new Set(ids);
    for (const lane of usedLanes) {
      if (!seen.has(lane)) {
        seen.add(lane);
        ids.push(lane);
      }
    }
    return ids;
  }, [lanes, usedLanes]);

  const selectedIndex = useMemo(() => (selectedId ? shown.indexOf(selectedId) : -1), [shown, selectedId]);
  const selected = selectedIndex >= 0 ? visible[selectedIndex] : undefined;

  const select = (index: number) => {
    const f = visible[Math.max(0, Math.min(visible.length - 1, index))];
    if (!f) return;
    setSelectedId(f.id);
    listRef.current?.scrollToIndex(shown.indexOf(f.id));
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "ArrowDown") select(selectedIndex < 0 ? 0 : selectedIndex + 1);
    else if (e.key === "ArrowUp") select(selectedIndex < 0 ? visible.length - 1 : selectedIndex - 1);
    else if (e.key === "Home") select(0);
    else if (e.key === "End") select(visible.length - 1);
    else if (e.key === "Escape") setSelectedId(null);
    else return;
    e.preventDefault();
  };

  const filtering =
    !filters.directions.in || !filters.directions.out || filters.kinds !== null || filters.lanes !== null || filters.search.trim() !== "";

  return (
    <section className="console" aria-label="XML console">
      <ConsoleToolbar
        laneIds={laneIds}
        canJump={visible.length > 0 && !atEnd}
        onJump={() => listRef.current?.scrollToEnd()}
        canClear={total > 0 || bufferedCount > 0}
        onClear={() => {
          playground.clearConsole();
          setSelectedId(null);
        }}
      />
      {paused ? (
        <div className="callout callout-warn" role="status">
          Paused: {bufferedCount} new {bufferedCount === 1 ? "frame" : "frames"} waiting. Capture continues.
        </div>
      ) : null}

      {visible.length === 0 ? (
        total === 0 ? (
          <EmptyState title="No frames yet">Connect a session: every frame it sends and receives shows up here, credentials masked.</EmptyState>
        ) : (
          <EmptyState title="No frame matches the filters">
            {smCount > 0 ? `${smCount} stream-management frames are hidden. ` : null}
            Change the filters above, or clear the search.
          </EmptyState>
        )
      ) : (
        <VirtualList
          ref={listRef}
          count={visible.length}
          rowHeight={FRAME_ROW_HEIGHT}
          label="Frames"
          role="listbox"
          follow
          getKey={(i) => visible[i]?.id ?? i}
          onScrollChange={setAtEnd}
          containerProps={{ tabIndex: 0, onKeyDown: onListKey }}
          rowClassName={() => "frame-row"}
          rowProps={(i) => {
            const f = visible[i];
            return {
              "aria-selected": f ? f.id === selectedId : false,
              onClick: () => f && setSelectedId(f.id),
            };
          }}
          renderRow={(i) => {
            const f = visible[i];
            if (!f) return null;
            const lane = lanes.get(f.lane);
            return (
              <>
                <span className="tl-time">{formatTime(f.at)}</span>
                <span className="tl-lane">
                  <LaneChip label={lane.label} colour={lane.colour} />
                </span>
                <span className={`frame-dir frame-dir-${f.direction}`} title={f.direction === "in" ? "received" : "sent"}>
                  <span aria-hidden="true">{f.direction === "in" ? "↓" : "↑"}</span>
                  <span className="visually-hidden">{f.direction === "in" ? "in" : "out"}</span>
                </span>
                <span className="badge">{f.kind}</span>
                <span className="frame-text">
                  <XmlView xml={f.text} inline highlight={filters.search} />
                </span>
              </>
            );
          }}
        />
      )}
      <div className="timeline-footer">
        <span>{filtering || filters.hideSm ? `${visible.length} of ${total} frames shown` : `${total} frames`}</span>
        {filters.hideSm && smCount > 0 ? <span>· {smCount} stream-management hidden</span> : null}
        {dropped > 0 ? <span>· {dropped} oldest dropped</span> : null}
      </div>
      {selected ? (
        <section className="detail" aria-label="Selected frame">
          <div className="panel-header">
            <h3>
              {selected.direction === "in" ? "Received by" : "Sent by"} {lanes.get(selected.lane).label} at {formatTime(selected.at)}
            </h3>
            <button type="button" className="btn btn-small" onClick={() => setSelectedId(null)}>
              Close frame
            </button>
          </div>
          <XmlView xml={selected.text} highlight={filters.search} label="Frame XML" />
          <FrameEnableLint frame={selected} />
        </section>
      ) : null}
      <Composer />
    </section>
  );
}
