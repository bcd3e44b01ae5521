import type { LifecycleStage, LifecycleStep, PushLifecycle } from "../../playground/push-lifecycle";

const STAGE_LABELS: Record<LifecycleStage, string> = {
  routed: "message routed",
  decision: "decision",
  publish: "publish sent",
  answer: "App Server answer",
  registration: "registration",
  provider: "push provider",
};

const STATUS_MARKS: Record<LifecycleStep["status"], string> = { done: "✓", stopped: "✗", pending: "…", predicted: "?" };
const STATUS_TONES: Record<LifecycleStep["status"], string> = { done: "badge-ok", stopped: "badge-err", pending: "badge-info", predicted: "badge-warn" };

function Step({ step }: { step: LifecycleStep }) {
  return (
    <li className="lifecycle-step" data-status={step.status}>
      <span className={`badge ${STATUS_TONES[step.status]}`}>
        <span aria-hidden="true">{STATUS_MARKS[step.status]}</span> {STAGE_LABELS[step.stage]}
      </span>{" "}
      <span className="small">{step.text}</span>
    </li>
  );
}

/** A wrapping row of states, like the push consoles' lifecycle line (styles/ belongs to the layout). */
const LIST_STYLE = { listStyle: "none", padding: 0, margin: 0, display: "flex", flexWrap: "wrap", gap: "0.25rem 0.75rem" } as const;

/** One line of states per registration: routed → decision → publish → answer → registration. */
export function PushLifecycleView({ lifecycle }: { lifecycle: PushLifecycle }) {
  return (
    <section className="stack" aria-label="Push lifecycle">
      <h4>Lifecycle</h4>
      {lifecycle.registrations.length === 0 ? (
        <ol className="lifecycle" style={LIST_STYLE}>
          <Step step={lifecycle.routed} />
          <li className="small muted">no registration to push</li>
        </ol>
      ) : (
        lifecycle.registrations.map((line) => (
          <div key={`${line.key.jid} ${line.key.node}`} className="stack">
            <span className="small">
              <span className="mono">{line.label}</span>
              {line.stoppedAt ? <span className="muted"> · stopped at {STAGE_LABELS[line.stoppedAt]}</span> : null}
            </span>
            <ol className="lifecycle" style={LIST_STYLE} aria-label={`Lifecycle for ${line.label}`}>
              <Step step={lifecycle.routed} />
              {line.steps.map((s, i) => (
                <Step key={i} step={s} />
              ))}
            </ol>
          </div>
        ))
      )}
    </section>
  );
}
