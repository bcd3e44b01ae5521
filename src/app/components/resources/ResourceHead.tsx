import { useState } from "react";
import { usePlayground } from "../../playground-context";
import type { SessionView } from "../../stores/sessions";
import { safeColour } from "../shared/LaneChip";
import type { ResourceAction } from "./use-resource-action";

/** A card's top line: its colour, its name (editable while offline), Connect/Disconnect and Remove. */
export function ResourceHead({ session, action }: { session: SessionView; action: ResourceAction }) {
  const playground = usePlayground();
  const [name, setName] = useState(session.resource);
  const { busy, run, setError } = action;
  const connected = session.status === "online";
  const transitioning = session.status === "connecting" || session.status === "disconnecting";

  const rename = () => {
    const next = name.trim();
    if (!next || next === session.resource) return;
    const result = playground.renameResource(session.id, next);
    if (!result.ok) {
      setError(result.error);
      setName(session.resource);
    }
  };

  return (
    <div className="resource-head">
      <input
        type="color"
        aria-label={`Colour of ${session.resource}`}
        value={safeColour(session.colour, "#0072b2").slice(0, 7)}
        onChange={(e) => playground.setResourceColour(session.id, e.target.value)}
      />
      {connected || transitioning ? (
        <span className="lane-label truncate" title={session.jid ?? session.label}>
          {session.label}
        </span>
      ) : (
        <input
          className="input mono"
          aria-label={`Resource name of ${session.resource}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={rename}
          onKeyDown={(e) => {
            if (e.key === "Enter") rename();
            if (e.key === "Escape") setName(session.resource);
          }}
        />
      )}
      {connected || session.status === "connecting" ? (
        <button type="button" className="btn btn-small" disabled={busy || session.status === "connecting"} onClick={() => void run(() => playground.disconnectResource(session.id))}>
          Disconnect
        </button>
      ) : (
        <button type="button" className="btn btn-small btn-primary" disabled={busy || transitioning} onClick={() => void run(() => playground.connectResource(session.id))}>
          Connect
        </button>
      )}
      <button
        type="button"
        className="btn btn-small btn-icon"
        aria-label={`Remove ${session.resource}`}
        title="Disconnect and remove this resource"
        disabled={busy}
        onClick={() => void run(() => playground.removeResource(session.id))}
      >
        ✕
      </button>
    </div>
  );
}
