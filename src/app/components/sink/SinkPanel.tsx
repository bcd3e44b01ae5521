import { useState } from "react";
import { SINK_LANE } from "../../model";
import { usePlayground } from "../../playground-context";
import { useSessionsStore, useSinkStore } from "../../stores/hooks";
import { describeError, STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { useActionError } from "../shared/action-error";
import { StatusDot } from "../shared/StatusDot";
import { Term, TERMS } from "../shared/Term";
import { RemoteDisable } from "./RemoteDisable";
import { SinkAnswerMode } from "./SinkAnswerMode";
import { SinkCounters } from "./SinkCounters";
import { SinkFaults } from "./SinkFaults";
import { SinkProfile } from "./SinkProfile";

/** The App Server stand-in: how it answers the server's publishes, and what it has received. */
export function SinkPanel() {
  const playground = usePlayground();
  const sink = useSessionsStore((s) => s.sessions[SINK_LANE]);
  const profile = useSinkStore((s) => s.profile);
  const [busy, setBusy] = useState(false);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(sink);

  const status = sink?.status ?? "offline";
  const connected = status === "online";
  const sinkJid = playground.sinkJid();

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
        answers the way the App Server profile and the faults you choose below say.
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

      <SinkProfile />
      {profile === "generic" ? <SinkAnswerMode /> : null}
      <SinkFaults />
      <SinkCounters />
      <RemoteDisable enabled={connected && !busy} onRemoteDisable={(node) => void act(() => playground.sinkRemoteDisable(node))} />
    </section>
  );
}
