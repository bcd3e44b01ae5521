import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import type { DemoPlayer } from "../../demos/player";
import { demoById } from "../../demos/presets";

const OWN_KEYS = new Set([" ", "ArrowLeft", "ArrowRight", "Escape"]);
const WIDGETS = "input, textarea, select, button, a[href], [contenteditable], [role=tab], [role=tablist], [role=option], [role=listbox], [role=radio], [role=slider], [role=menuitem], [role=dialog]";

/**
 * Whether a key is the demo's: always inside the overlay (except Space on its buttons, which
 * presses them), elsewhere only when no control or dialog has the focus (tabs and the timeline
 * use the arrow keys themselves, and a form takes Space).
 */
function isDemoKey(e: KeyboardEvent, overlay: HTMLElement | null): boolean {
  if (!OWN_KEYS.has(e.key) || e.altKey || e.ctrlKey || e.metaKey) return false;
  const target = e.target instanceof HTMLElement ? e.target : null;
  if (!target || target === document.body) return true;
  if (overlay?.contains(target)) return !(e.key === " " && target.tagName === "BUTTON");
  return target.closest(WIDGETS) === null;
}

/**
 * The caption overlay of a guided demo: large enough to read across a room, with the step's
 * outcome under it and the controls beside it. Space pauses and resumes, ← and → go to the
 * previous and next step, Escape ends the demo.
 */
export function DemoOverlay({ player }: { player: DemoPlayer }) {
  const state = useStore(player.store);
  const demo = state.demoId ? demoById(state.demoId) : undefined;
  const overlay = useRef<HTMLElement>(null);

  // A demo just started from the menu: the overlay takes the focus, so the keys work at once.
  useEffect(() => {
    if (state.demoId) overlay.current?.focus();
  }, [state.demoId]);

  useEffect(() => {
    if (!state.demoId) return;
    function onKey(e: KeyboardEvent) {
      if (!isDemoKey(e, overlay.current)) return;
      if (e.key === " ") void player.togglePause();
      else if (e.key === "ArrowRight") void player.next();
      else if (e.key === "ArrowLeft") void player.previous();
      else player.stop();
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [player, state.demoId]);

  if (!demo) {
    return state.phase === "failed" && state.error ? (
      <p className="callout callout-err demo-error" role="alert">
        {state.error}{" "}
        <button type="button" className="btn btn-small" onClick={() => player.stop()}>
          Dismiss
        </button>
      </p>
    ) : null;
  }
  const step = demo.steps[state.index];
  const last = state.index === demo.steps.length - 1;
  const busy = state.phase === "running";
  return (
    <section ref={overlay} tabIndex={-1} className="demo-overlay" aria-label={`Guided demo: ${demo.title}`}>
      <div className="demo-head small">
        <strong>{demo.title}</strong> · step {state.index + 1} of {demo.steps.length}
        {state.phase === "finished" ? " · finished" : state.paused ? " · paused" : ""}
      </div>
      <p className="demo-caption" aria-live="polite">
        {step?.caption}
      </p>
      <p className={`demo-outcome${state.matched ? "" : " is-unexpected"}`} role="status">
        {state.phase === "running" ? "…" : state.phase === "failed" ? `This step failed: ${state.error ?? ""}` : (state.outcome ?? "")}
      </p>
      <div className="row demo-controls">
        <button type="button" className="btn" onClick={() => void player.previous()} disabled={busy || state.index === 0} aria-keyshortcuts="ArrowLeft">
          ← Previous
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void player.togglePause()} disabled={state.phase === "finished"} aria-keyshortcuts="Space">
          {state.paused ? (state.phase === "failed" ? "Retry" : "Resume") : "Pause"}
        </button>
        <button type="button" className="btn" onClick={() => void player.next()} disabled={busy || last} aria-keyshortcuts="ArrowRight">
          Next →
        </button>
        <button type="button" className="btn" onClick={() => player.stop()} aria-keyshortcuts="Escape">
          End demo
        </button>
        <span className="small muted">Space pauses · ← → step · Esc ends</span>
      </div>
    </section>
  );
}
