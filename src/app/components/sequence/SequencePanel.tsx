import { useCallback, useMemo, useState, type KeyboardEvent } from "react";
import { describeParticipant, neighbourRow, ROW_HEIGHT, type CollapsedRow, type Participant, type SequenceModel, type SequenceRow } from "../../sequence";
import { usePlayground } from "../../playground-context";
import { useTimelineStore } from "../../stores/hooks";
import { EmptyState } from "../shared/EmptyState";
import { laneCentre, SequenceRowView, type LaneGeometry } from "./SequenceRow";
import { SequenceToolbar } from "./SequenceToolbar";
import { SEQ_HEADER_HEIGHT, useSequenceViewport } from "./use-sequence-viewport";
import { useSequenceModel } from "./use-sequence-model";

/** Under a lane's name, where the full caption (in its accessible name) would not fit. */
const SHORT_CAPTIONS: Record<Participant["role"], string> = { sender: "sender", server: "XMPP server", resource: "resource", "app-server": "App Server" };

const NO_EXPANDED: ReadonlySet<string> = new Set();

function rowDomId(row: SequenceRow): string {
  return `seq-row-${row.key}`;
}

/** Index of the row with `key`, trying `hint` first (rows rarely move). */
function indexOfKey(model: SequenceModel, key: string | null, hint: number): number {
  if (key === null) return -1;
  if (model.rows[hint]?.key === key) return hint;
  return model.rows.findIndex((r) => r.key === key);
}

function firstArrow(model: SequenceModel, direction: 1 | -1): number | null {
  return neighbourRow(model, direction === 1 ? -1 : model.rows.length, direction);
}

/**
 * The Sequence view: a lane per participant (sender, server, each resource, App Server), time
 * downwards, an arrow per stanza, the server's decisions as notes, pushes highlighted. Windowed:
 * only the rows on screen are in the DOM. One selection with the timeline: a click here selects
 * through the service, a selection there is scrolled into view here.
 */
export function SequencePanel() {
  const playground = usePlayground();
  const selectedId = useTimelineStore((s) => s.selectedId);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(NO_EXPANDED);
  const model = useSequenceModel(expanded);
  const viewport = useSequenceViewport(model, selectedId);
  // The keyboard's place among the rows: a row key (and where it was), or none (the selection's row).
  const [cursor, setCursor] = useState<{ key: string; hint: number } | null>(null);

  const selectedRow = selectedId !== null ? (model.rowOfEvent.get(selectedId) ?? -1) : -1;
  const cursorIndex = cursor ? indexOfKey(model, cursor.key, cursor.hint) : -1;
  const activeIndex = cursorIndex >= 0 ? cursorIndex : selectedRow;
  const activeRow = activeIndex >= 0 ? model.rows[activeIndex] : undefined;

  const geometry: LaneGeometry = useMemo(
    () => ({ count: model.participants.length, indexOf: new Map(model.participants.map((p, i) => [p.id, i])) }),
    [model.participants],
  );

  const moveTo = useCallback(
    (index: number | null) => {
      const row = index === null ? undefined : model.rows[index];
      if (index === null || !row) return;
      setCursor({ key: row.key, hint: index });
      viewport.revealRow(index);
    },
    [model, viewport],
  );

  const expand = useCallback((row: CollapsedRow) => {
    setExpanded((prev) => new Set(prev).add(row.eventId));
    setCursor(null);
  }, []);

  const select = useCallback(
    (row: SequenceRow, index: number) => {
      setCursor({ key: row.key, hint: index });
      playground.timeline.select(row.eventId);
    },
    [playground],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { start, end } = viewport.onScreen;
    switch (e.key) {
      case "ArrowDown":
      case "j":
        moveTo(activeIndex >= 0 ? neighbourRow(model, activeIndex, 1) : neighbourRow(model, start - 1, 1));
        break;
      case "ArrowUp":
      case "k":
        moveTo(activeIndex >= 0 ? neighbourRow(model, activeIndex, -1) : neighbourRow(model, end, -1));
        break;
      case "Home":
        moveTo(firstArrow(model, 1));
        break;
      case "End":
        moveTo(firstArrow(model, -1));
        break;
      case "Enter":
        if (!activeRow) return;
        if (activeRow.kind === "collapsed") expand(activeRow);
        else playground.timeline.select(activeRow.eventId);
        break;
      case "Escape":
        setCursor(null);
        playground.timeline.select(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const { window: win } = viewport;
  const s = model.stats;
  return (
    <section className="sequence" aria-label="Sequence">
      <SequenceToolbar
        model={model}
        onScreen={viewport.onScreen}
        selectedId={selectedId}
        following={viewport.following}
        onJumpToLatest={viewport.jumpToLatest}
        expandedCount={expanded.size}
        onFoldAll={() => setExpanded(NO_EXPANDED)}
      />
      {model.rows.length === 0 ? (
        <EmptyState title="No stanzas to draw yet">
          Connect the sessions, enable push and send a message: each stanza appears here as an arrow between the sender, the server, the
          account's resources and the App Server.
        </EmptyState>
      ) : (
        <div className="seq-scroll" ref={viewport.scrollRef} onScroll={viewport.onScroll} style={{ ["--seq-lanes" as string]: geometry.count }}>
          <div className="seq-header" role="list" aria-label="Participants" style={{ height: SEQ_HEADER_HEIGHT }}>
            <span className="seq-time" aria-hidden="true">
              time
            </span>
            <div className="seq-lanes-area">
              {model.participants.map((p, i) => (
                <div key={p.id} role="listitem" aria-label={describeParticipant(p)} className={`seq-participant role-${p.role}`} style={{ left: `${laneCentre(geometry, i)}%` }}>
                  <span className="seq-participant-name">{p.label}</span>
                  <span className="seq-participant-role">{SHORT_CAPTIONS[p.role]}</span>
                </div>
              ))}
            </div>
          </div>
          <div
            className="seq-rows"
            role="listbox"
            aria-label={`Sequence diagram: ${s.rows} rows, ${s.pushes} pushes, ${s.notPushed} not pushed`}
            aria-activedescendant={activeRow ? rowDomId(activeRow) : undefined}
            tabIndex={0}
            onKeyDown={onKeyDown}
            style={{ height: win.totalHeight }}
          >
            <div className="seq-lifelines" aria-hidden="true">
              <div className="seq-lanes-area">
                {model.participants.map((p, i) => (
                  <span key={p.id} className={`seq-lifeline role-${p.role}`} style={{ left: `${laneCentre(geometry, i)}%` }} />
                ))}
              </div>
            </div>
            {win.rows.map((row, i) => {
              const index = win.start + i;
              return (
                <SequenceRowView
                  key={row.key}
                  row={row}
                  index={index}
                  domId={rowDomId(row)}
                  height={ROW_HEIGHT}
                  participants={model.participants}
                  geometry={geometry}
                  selected={index === selectedRow || (selectedId !== null && row.eventId === selectedId)}
                  active={index === activeIndex}
                  onSelect={select}
                  onExpand={expand}
                />
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}
