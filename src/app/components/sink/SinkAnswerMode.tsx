import { useId } from "react";
import type { StanzaErrorSpec } from "../../model";
import { usePlayground } from "../../playground-context";
import { useSinkStore } from "../../stores/hooks";
import { describeSinkMode, SINK_ERROR_PRESETS } from "../../stores/sink";
import { STANZA_ERROR_CONDITIONS } from "../../../protocol/stanzas/errors";

type ErrorType = Exclude<StanzaErrorSpec["type"], "continue">;
const ERROR_TYPES: readonly ErrorType[] = ["cancel", "modify", "auth", "wait"];

/** How the sink answers each publish: result, a chosen stanza error (with common presets), or silence. */
export function SinkAnswerMode() {
  const playground = usePlayground();
  const ids = useId();
  const mode = useSinkStore((s) => s.mode);
  const errorType: ErrorType = mode.kind === "error" && mode.type !== "continue" ? mode.type : "cancel";
  const errorCondition = mode.kind === "error" ? mode.condition : "item-not-found";
  const preset = mode.kind === "error" ? SINK_ERROR_PRESETS.find((p) => p.type === mode.type && p.condition === mode.condition) : undefined;

  return (
    <fieldset className="section">
      <legend>Answer to each publish</legend>
      <div className="segmented" role="radiogroup" aria-label="Answer mode">
        <label>
          <input type="radio" name={`${ids}-mode`} checked={mode.kind === "result"} onChange={() => playground.setSinkMode({ kind: "result" })} />
          result
        </label>
        <label>
          <input
            type="radio"
            name={`${ids}-mode`}
            checked={mode.kind === "error"}
            onChange={() => playground.setSinkMode({ kind: "error", type: errorType, condition: errorCondition })}
          />
          error
        </label>
        <label>
          <input type="radio" name={`${ids}-mode`} checked={mode.kind === "timeout"} onChange={() => playground.setSinkMode({ kind: "timeout" })} />
          no answer (timeout)
        </label>
      </div>
      {mode.kind === "error" ? (
        <>
          <div className="row">
            <div className="field">
              <label className="field-label" htmlFor={`${ids}-type`}>
                Error type
              </label>
              <select
                id={`${ids}-type`}
                className="input"
                value={errorType}
                onChange={(e) => {
                  const type = ERROR_TYPES.find((t) => t === e.target.value);
                  if (type) playground.setSinkMode({ kind: "error", type, condition: errorCondition });
                }}
              >
                {ERROR_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={`${ids}-condition`}>
                Error condition
              </label>
              <select
                id={`${ids}-condition`}
                className="input mono"
                value={errorCondition}
                onChange={(e) => playground.setSinkMode({ kind: "error", type: errorType, condition: e.target.value })}
              >
                {STANZA_ERROR_CONDITIONS.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="toolbar-group" role="group" aria-label="Common errors">
            {SINK_ERROR_PRESETS.map((p) => (
              <button
                key={`${p.type}/${p.condition}`}
                type="button"
                className="btn btn-small"
                aria-pressed={mode.type === p.type && mode.condition === p.condition}
                title={p.note}
                onClick={() => playground.setSinkMode({ kind: "error", type: p.type, condition: p.condition })}
              >
                {p.type}/{p.condition}
              </button>
            ))}
          </div>
          <p className="callout callout-warn small">
            {preset ? `${preset.type}/${preset.condition}: ${preset.note}. ` : ""}
            Errors can make the server drop the registration: a <code>wait</code> error keeps it everywhere; other types
            remove it at once (spec, ejabberd) or after 16 errors (Prosody); Tigase decides by condition.
          </p>
        </>
      ) : null}
      {mode.kind === "timeout" ? (
        <p className="callout small">The sink stays silent; the server keeps the registration when its publish times out.</p>
      ) : null}
      <p className="small muted" aria-live="polite">
        Now: {describeSinkMode(mode)}.
      </p>
    </fieldset>
  );
}
