import { useEffect, useId, useRef, useState } from "react";
import { safeColour } from "./LaneChip";

export interface FilterItem {
  id: string;
  label: string;
  checked: boolean;
  colour?: string;
}

interface FilterMenuProps {
  /** Visible button text, e.g. "Sessions". */
  label: string;
  /** Accessible name of the group of checkboxes, e.g. "Filter by session". */
  groupLabel: string;
  items: readonly FilterItem[];
  onToggle: (id: string) => void;
  /** Show everything again. */
  onReset: () => void;
}

/** A disclosure button with a checkbox list: the filter dropdown of the timeline and the console. */
export function FilterMenu({ label, groupLabel, items, onToggle, onReset }: FilterMenuProps) {
  const [open, setOpen] = useState(false);
  const popId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const shown = items.filter((i) => i.checked).length;
  const filtered = shown < items.length;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  return (
    <div
      className="filter-menu"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={popId}
        aria-pressed={filtered ? true : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
        {filtered ? ` (${shown}/${items.length})` : ""}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <div id={popId} className="filter-popover" role="group" aria-label={groupLabel}>
          {items.map((item) => (
            <label key={item.id}>
              <input type="checkbox" checked={item.checked} onChange={() => onToggle(item.id)} />
              {item.colour ? <span className="lane-swatch" aria-hidden="true" style={{ background: safeColour(item.colour) }} /> : null}
              {item.label}
            </label>
          ))}
          <button type="button" className="btn btn-small" onClick={onReset} disabled={!filtered}>
            Show all
          </button>
        </div>
      ) : null}
    </div>
  );
}
