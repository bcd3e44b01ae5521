import { useId, useState } from "react";
import { usePlayground } from "../../playground-context";
import { useRegistrationsStore } from "../../stores/hooks";

export interface RemoteDisableProps {
  /** The sink is online and no action of the panel is under way. */
  enabled: boolean;
  onRemoteDisable(node: string): void;
}

/** XEP-0357 §9: the sink asks the account's server to drop one of the nodes pointing at it, or any other node. */
export function RemoteDisable({ enabled, onRemoteDisable }: RemoteDisableProps) {
  const playground = usePlayground();
  const ids = useId();
  const registrations = useRegistrationsStore((s) => s.registrations);
  const [customNode, setCustomNode] = useState("");
  const sinkJid = playground.sinkJid();
  const ours = registrations.filter((r) => r.jid === sinkJid && r.state === "active");

  return (
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
            disabled={!enabled}
            aria-label={`Remote-disable node ${r.node || "(no node)"}`}
            onClick={() => onRemoteDisable(r.node)}
          >
            Remote-disable
          </button>
        </div>
      ))}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (customNode.trim()) onRemoteDisable(customNode.trim());
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-node`}>
            Other node
          </label>
          <input id={`${ids}-node`} className="input mono" value={customNode} onChange={(e) => setCustomNode(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-small" disabled={!enabled || !customNode.trim()}>
          Remote-disable node
        </button>
      </form>
    </section>
  );
}
