import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { isPolicyName } from "../../../protocol/policy/names";
import { POLICY_NAMES } from "../../../protocol/policy/types";
import { chooseExpectationPolicy, summarizeScores } from "../../expectations/policy-match";
import { MAX_WINDOW_MS, MIN_WINDOW_MS } from "../../expectations/types";
import { usePlayground } from "../../playground-context";
import { useExpectationsStore } from "../../stores/hooks";
import { Term } from "../shared/Term";

/**
 * The header's running verdict: which policy the connected server behaves like so far (a tooltip
 * lists all four scores), and a small menu for which policy the timeline's badges judge by
 * (automatic or pinned), how long after a send pushes still count, and resetting the score.
 */
export function ExpectationSummary() {
  const playground = usePlayground();
  const scores = useExpectationsStore((s) => s.scores);
  const pinned = useExpectationsStore((s) => s.pinned);
  const server = useExpectationsStore((s) => s.server);
  const windowMs = useExpectationsStore((s) => s.windowMs);
  const recordCount = useExpectationsStore((s) => s.order.length);
  const summary = useMemo(() => summarizeScores(scores), [scores]);
  const choice = useMemo(() => chooseExpectationPolicy({ pinned, serverPolicy: server?.policy ?? null, scores }), [pinned, server, scores]);
  const auto = useMemo(() => chooseExpectationPolicy({ pinned: null, serverPolicy: server?.policy ?? null, scores }), [server, scores]);

  const [open, setOpen] = useState(false);
  const popId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Escape" && open) {
      e.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    }
  };

  const [windowText, setWindowText] = useState(String(windowMs / 1000));
  const [windowInvalid, setWindowInvalid] = useState(false);
  // Follow the store when the window changes elsewhere, but never rewrite what the user is typing ("1." stays "1.").
  useEffect(() => {
    setWindowText((text) => (Number(text) * 1000 === windowMs ? text : String(windowMs / 1000)));
  }, [windowMs]);

  const tone = summary.judged === 0 ? "" : summary.matched === summary.judged ? " badge-ok" : " badge-warn";
  const tip = [
    `Per policy, judged messages whose observed pushes matched the prediction: ${summary.lines.join("; ")}.`,
    server ? `The server's decision log names ${server.policy} (${server.host}).` : "No decision log: the policy is inferred from observation only.",
  ].join(" ");

  const onWindow = (text: string) => {
    setWindowText(text);
    const value = Number(text);
    const ok = text.trim() !== "" && Number.isFinite(value) && value * 1000 >= MIN_WINDOW_MS && value * 1000 <= MAX_WINDOW_MS;
    setWindowInvalid(!ok);
    if (ok) playground.expectations.setWindowMs(value * 1000);
  };

  return (
    <div className="header-actions" role="group" aria-label="Push expectation summary">
      <Term tip={tip}>
        <span className={`badge${tone}`}>{summary.text}</span>
      </Term>
      <div className="filter-menu" ref={rootRef} onKeyDown={onMenuKey}>
        <button
          ref={buttonRef}
          type="button"
          className="btn btn-small"
          aria-expanded={open}
          aria-controls={popId}
          title={`Verdicts use ${choice.policy}: ${choice.why}. Open to pin a policy or change the wait window.`}
          onClick={() => setOpen((o) => !o)}
        >
          expect: {choice.policy}
          {pinned ? " (pinned)" : ""}
          <span aria-hidden="true"> ▾</span>
        </button>
        {open ? (
          <div id={popId} className="filter-popover" style={{ left: "auto", right: 0, minWidth: 300 }} role="group" aria-label="Push expectation settings">
            <label>
              Verdicts use
              <select
                className="input"
                style={{ width: "auto" }}
                aria-label="Expectation policy"
                value={pinned ?? "auto"}
                onChange={(e) => playground.expectations.pin(isPolicyName(e.target.value) ? e.target.value : null)}
              >
                <option value="auto">auto ({auto.policy})</option>
                {POLICY_NAMES.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <p className="small muted">Automatic: {auto.why}.</p>
            <label>
              Wait window
              <input
                className="input"
                type="number"
                inputMode="decimal"
                min={MIN_WINDOW_MS / 1000}
                max={MAX_WINDOW_MS / 1000}
                step={0.1}
                style={{ width: "5em" }}
                aria-label="Push wait window in seconds"
                aria-invalid={windowInvalid || undefined}
                value={windowText}
                onChange={(e) => onWindow(e.target.value)}
              />
              s
            </label>
            <p className="small muted">
              Pushes linked to a message count as its outcome when they arrive within this time of the send ({MIN_WINDOW_MS / 1000}–
              {MAX_WINDOW_MS / 1000} s; applies to messages sent afterwards).
            </p>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => playground.expectations.reset()}
              disabled={summary.judged === 0 && recordCount === 0}
              title="Forget the verdicts so far and start scoring afresh (the pin and the window stay)"
            >
              Reset score
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
