import { useState } from "react";
import type { Counterfactual, ExplanationCard as Card } from "../../../protocol/explain";
import { usePlayground } from "../../playground-context";
import { useExplanationsStore } from "../../stores/hooks";
import { changeId, type MessageExplanation, type TrialState } from "../../stores/explanations";
import { EXPLANATION_CARD_ID } from "./ids";
import { PushLifecycleView } from "./PushLifecycleView";

export { EXPLANATION_CARD_ID } from "./ids";

/**
 * Why the selected message was (not) pushed and what would have changed it (issue 9). Everything
 * shown comes from the explanations store; every string is rendered as text, never as HTML.
 */
export function ExplanationCard({ eventId }: { eventId: string }) {
  const current = useExplanationsStore((s) => s.current);
  if (!current || current.eventId !== eventId) return null;
  return (
    <section className="stack explanation" id={EXPLANATION_CARD_ID} aria-label="Why this message was or was not pushed" tabIndex={-1}>
      {current.status === "unavailable" || !current.card ? (
        <>
          <h3>Why?</h3>
          <p className="small muted">{current.why}</p>
        </>
      ) : (
        <ReadyCard explanation={current} card={current.card} />
      )}
    </section>
  );
}

function ReadyCard({ explanation, card }: { explanation: MessageExplanation; card: Card }) {
  const prediction = card.source === "prediction";
  return (
    <>
      <h3 className="row">
        {card.pushed ? "Why pushed" : "Why not pushed"}
        <span className={`badge ${prediction ? "badge-warn" : "badge-ok"}`} title={prediction ? "Predicted by the playground with the same policy function the reference server runs" : "The reference server's own decision record"}>
          {prediction ? `prediction (${card.policy})` : `server record (${card.policy})`}
        </span>
      </h3>
      <p className="explanation-headline">
        <strong>{card.headline}</strong>
      </p>
      <p className="small">
        Rule <span className="mono">{card.rule.id}</span>: {card.rule.title}. {card.rule.reason}.
      </p>
      {card.notes.map((n, i) => (
        <p key={i} className="small muted">
          {n}
        </p>
      ))}
      <StateTables card={card} />
      {explanation.lifecycle ? <PushLifecycleView lifecycle={explanation.lifecycle} /> : null}
      <Counterfactuals explanation={explanation} pushed={card.pushed} />
      <CopyMarkdown text={explanation.markdown ?? ""} />
    </>
  );
}

function StateTables({ card }: { card: Card }) {
  return (
    <div style={{ overflowX: "auto" }}>
      {card.resources.length === 0 ? (
        <p className="small">No resource of {card.account} was connected.</p>
      ) : (
        <table className="table" aria-label="Resources when the message arrived">
          <thead>
            <tr>
              <th scope="col">resource</th>
              <th scope="col">connection</th>
              <th scope="col">receiving</th>
              <th scope="col">presence</th>
              <th scope="col">counts as</th>
            </tr>
          </thead>
          <tbody>
            {card.resources.map((r) => (
              <tr key={r.sessionId} aria-current={r.decisive ? "true" : undefined}>
                <th scope="row">
                  {r.resource}
                  {r.decisive ? <span className="muted small"> (decided)</span> : null}
                </th>
                <td>{r.connection}</td>
                <td>{r.receiving ? "yes" : "no"}</td>
                <td>{r.presenceText}</td>
                <td>{r.countsAs === r.standing ? r.standing : `${r.countsAs} (${card.policy}; §0.1 says ${r.standing})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {card.registrations.length === 0 ? (
        <p className="small">No push registration was in force.</p>
      ) : (
        <table className="table" aria-label="Registrations and the outcome for each">
          <thead>
            <tr>
              <th scope="col">registration</th>
              <th scope="col">away</th>
              <th scope="col">errors</th>
              <th scope="col">enabled by</th>
              <th scope="col">outcome</th>
            </tr>
          </thead>
          <tbody>
            {card.registrations.map((r) => (
              <tr key={`${r.key.jid} ${r.key.node}`} aria-current={r.decisive ? "true" : undefined}>
                <th scope="row">
                  <span className="mono">{r.label}</span>
                  <br />
                  <span className="small muted mono">{r.key.jid}</span>
                </th>
                <td>{r.away ? "true" : "false"}</td>
                <td>{r.errorCount}</td>
                <td>
                  {r.enabledByResource} ({r.enabler})
                </td>
                <td>
                  <span className={`badge ${r.push ? "badge-push" : "badge-info"}`}>{r.push ? "pushed" : "not pushed"}</span> {r.why}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Counterfactuals({ explanation, pushed }: { explanation: MessageExplanation; pushed: boolean }) {
  const playground = usePlayground();
  const trial = useExplanationsStore((s) => s.trial);
  const list = explanation.counterfactuals;
  return (
    <section className="stack" aria-label="What would have changed it">
      <h4>What would have changed it</h4>
      {list.length === 0 ? (
        <p className="small muted">No single change the playground can make would have {pushed ? "suppressed the push" : "made it push"}.</p>
      ) : (
        <ul className="counterfactuals">
          {list.map((c) => (
            <CounterfactualItem key={changeId(c.change)} item={c} trial={trial} canTry={explanation.canTry} onTry={() => void playground.applyChange(c.change)} />
          ))}
        </ul>
      )}
      {!explanation.canTry ? <p className="small muted">“Try it” works on the live run, not on an imported timeline.</p> : null}
    </section>
  );
}

function CounterfactualItem({ item, trial, canTry, onTry }: { item: Counterfactual; trial: TrialState | null; canTry: boolean; onTry: () => void }) {
  const mine = trial && trial.changeId === changeId(item.change) ? trial : null;
  return (
    <li>
      <span>It {item.sentence}.</span>{" "}
      <button type="button" className="btn btn-small" onClick={onTry} disabled={!canTry || trial?.status === "running"} title="Set the playground up this way now; then send again">
        Try it
      </button>
      {mine ? (
        <div className={`callout small ${mine.status === "failed" ? "callout-err" : mine.status === "done" ? "callout-ok" : ""}`} role={mine.status === "failed" ? "alert" : "status"}>
          {mine.status === "failed" ? `Could not: ${mine.text}` : mine.text}
        </div>
      ) : null}
    </li>
  );
}

/** Copies through the Clipboard API; where it is missing or refused, shows the text to copy by hand. */
function CopyMarkdown({ text }: { text: string }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");
  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("manual");
    }
  };
  return (
    <div className="stack">
      <div className="row">
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          Copy as Markdown
        </button>
        {state === "copied" ? <span className="small muted" role="status">Copied.</span> : null}
      </div>
      {state === "manual" ? (
        <label className="stack small">
          The clipboard is not available here: select the text and copy it.
          <textarea className="input mono" readOnly rows={8} value={text} aria-label="Explanation as Markdown" onFocus={(e) => e.currentTarget.select()} />
        </label>
      ) : null}
    </div>
  );
}
