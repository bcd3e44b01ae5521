import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface TabDef<T extends string> {
  id: T;
  label: string;
  /** Short text after the label (a count, a warning). */
  badge?: ReactNode;
  content: ReactNode;
}

interface TabsProps<T extends string> {
  label: string;
  tabs: readonly TabDef<T>[];
  active: T;
  onChange: (id: T) => void;
  className?: string;
  /**
   * Keep panels mounted (hidden) once shown, so half-filled forms (a node, the away toggle, publish
   * options) survive a look at another tab. A panel never shown is not mounted: its chunk loads
   * when the tab is first opened.
   */
  keepMounted?: boolean;
}

/**
 * WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs. By default
 * only the active panel is mounted (captured data lives in stores, so nothing is lost);
 * `keepMounted` also keeps the local form state of the panels shown so far.
 */
export function Tabs<T extends string>({ label, tabs, active, onChange, className, keepMounted = false }: TabsProps<T>) {
  const base = useId();
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  const [shown, setShown] = useState<ReadonlySet<T>>(() => new Set(current ? [current.id] : []));
  if (keepMounted && current && !shown.has(current.id)) setShown(new Set([...shown, current.id]));

  const focusAt = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length];
    if (!tab) return;
    onChange(tab.id);
    refs.current.get(tab.id)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((t) => t.id === current?.id);
    if (e.key === "ArrowRight") focusAt(index + 1);
    else if (e.key === "ArrowLeft") focusAt(index - 1);
    else if (e.key === "Home") focusAt(0);
    else if (e.key === "End") focusAt(tabs.length - 1);
    else return;
    e.preventDefault();
  };

  return (
    <div className={`tabs${className ? ` ${className}` : ""}`}>
      <div role="tablist" aria-label={label} className="tablist" onKeyDown={onKeyDown}>
        {tabs.map((t) => {
          const selected = t.id === current?.id;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${t.id}`}
              aria-selected={selected}
              aria-controls={`${base}-panel-${t.id}`}
              tabIndex={selected ? 0 : -1}
              className="tab"
              onClick={() => onChange(t.id)}
            >
              {t.label}
              {t.badge !== undefined && t.badge !== null ? <span className="tab-badge" aria-hidden="true">{t.badge}</span> : null}
            </button>
          );
        })}
      </div>
      {tabs
        .filter((t) => t.id === current?.id || (keepMounted && shown.has(t.id)))
        .map((t) => (
          <div
            key={t.id}
            role="tabpanel"
            id={`${base}-panel-${t.id}`}
            aria-labelledby={`${base}-tab-${t.id}`}
            className="tabpanel"
            tabIndex={0}
            hidden={t.id !== current?.id}
          >
            {t.content}
          </div>
        ))}
    </div>
  );
}
