import { useId, useState } from "react";
import type { StanzaErrorSpec } from "../../model";
import { SINK_LANE } from "../../model";
import { usePlayground } from "../../playground-context";
import { useRegistrationsStore, useSessionsStore, useSinkStore } from "../../stores/hooks";
import { describeSinkMode, SINK_ERROR_PRESETS } from "../../stores/sink";
import { describeError, formatTime, STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { useActionError } from "../shared/action-error";
import { StatusDot } from "../shared/StatusDot";
import { Term, TERMS } from "../shared/Term";
import { STANZA_ERROR_CONDITIONS } from "../../../protocol/stanzas/errors";

type ErrorType = Exclude<StanzaErrorSpec["type"], "continue">;
const ERROR_TYPES: readonly ErrorType[] = ["cancel", "modify", "auth", "wait"];


/** The App Server stand-in: how it answers the server's publishes, and what it has received. */
export function SinkPanel() {
  const playground = usePlayground();
  const ids = useId();
  const sink = useSessionsStore((s) => s.sessions[SINK_LANE]);
  const mode = useSinkStore((s) => s.mode);
  const counters = useSinkStore((s) => s.counters);
  const lastPushAt = useSinkStore((s) => s.lastPushAt);
  const registrations = useRegistrationsStore((s) => s.registrations);
  const [busy, setBusy] = useState(false);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(sink);
  const [customNode, setCustomNode] = useState("");

  const status = sink?.status ?? "offline";
  const connected = status === "online";
  const sinkJid = playground.sinkJid();
  const errorType: ErrorType = mode.kind === "error" && mode.type !== "continue" ? mode.type : "cancel";
  const errorCondition = mode.kind === "error" ? mode.condition : "item-not-found";
  const preset = mode.kind === "error" ? SINK_ERROR_PRESETS.find((p) => p.type === mode.type && p.condition === mode.condition) : undefined;

  const act = async (fn: () => Promise<{ ok: boolean; error?: Parameters<typeof describeError>[0] } | void>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await fn();
      if (r && !r.ok && r.error) setError(r.error);
    } finally {
      setBusy(false);
    }
  };

  const ours = registrations.filter((r) => r.jid === sinkJid && r.state === "active");

  return (
    <section className="panel" aria-label="App Server sink">
      <div className="panel-header">
        <h2>
          <Term tip={TERMS.sink}>App Server sink</Term>
        </h2>
        <StatusDot tone={STATUS_TONES[status]} label={STATUS_LABELS[status]} />
      </div>
      <p className="panel-intro">
        Plays the App Server at <code>{sinkJid}</code>: the server publishes each notification to it as a pubsub iq, and it
        answers the way you choose below.
      </p>
      <div className="row">
        {connected || status === "connecting" ? (
          <button type="button" className="btn" disabled={busy || status === "connecting"} onClick={() => void act(() => playground.disconnectSink())}>
            Disconnect sink
          </button>
        ) : (
          <button type="button" className="btn btn-primary" disabled={busy || status === "disconnecting"} onClick={() => void act(() => playground.connectSink())}>
            Connect sink
          </button>
        )}
      </div>
      {sink?.lastError ? (
        <p className="callout callout-err small" role="alert">
          {describeError(sink.lastError)}
        </p>
      ) : null}
      {error ? (
        <p className="callout callout-err small" role="alert">
          {error}
        </p>
      ) : null}

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

      <section className="section" aria-label="Sink counters">
        <h3>Received</h3>
        <dl className="counters">
          <div>
            <dt>publishes</dt>
            <dd>{counters.received}</dd>
          </div>
          <div>
            <dt>answered result</dt>
            <dd>{counters.answeredResult}</dd>
          </div>
          <div>
            <dt>answered error</dt>
            <dd>{counters.answeredError}</dd>
          </div>
          <div>
            <dt>left unanswered</dt>
            <dd>{counters.unanswered}</dd>
          </div>
          <div>
            <dt>malformed</dt>
            <dd>{counters.malformed}</dd>
          </div>
        </dl>
        <p className="small muted">{lastPushAt ? `Last publish at ${formatTime(lastPushAt)}.` : "No publish received yet."}</p>
        <button type="button" className="btn btn-small" onClick={() => playground.resetSinkCounters()}>
          Reset counters
        </button>
      </section>

      <section className="section" aria-label="Remote disable">
        <h3>Remote disable (XEP-0357 §9)</h3>
        <p className="small muted">
          The App Server tells the account&apos;s server to drop a node. Tigase honours it; Prosody and ejabberd ignore it.
        </p>
        {ours.length === 0 ? <p className="small muted">No active registration points at this sink.</p> : null}
        {ours.map((r) => (
          <div className="row" key={r.node}>
            <span className="mono truncate">{r.node || "(no node)"}</span>
            <button
              type="button"
              className="btn btn-small"
              disabled={!connected || busy}
              aria-label={`Remote-disable node ${r.node || "(no node)"}`}
              onClick={() => void act(() => playground.sinkRemoteDisable(r.node))}
            >
              Remote-disable
            </button>
          </div>
        ))}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (customNode.trim()) void act(() => playground.sinkRemoteDisable(customNode.trim()));
          }}
        >
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-node`}>
              Other node
            </label>
            <input id={`${ids}-node`} className="input mono" value={customNode} onChange={(e) => setCustomNode(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-small" disabled={!connected || busy || !customNode.trim()}>
            Remote-disable node
          </button>
        </form>
      </section>
    </section>
  );
}
