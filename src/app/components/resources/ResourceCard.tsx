import { useId, useState } from "react";
import { PRESENCE_CHOICES, type PlaygroundError, type PresenceChoice } from "../../model";
import { usePlayground } from "../../playground-context";
import type { SessionView } from "../../stores/sessions";
import { useActionError } from "../shared/action-error";
import { describeError, PRESENCE_LABELS, STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { safeColour } from "../shared/LaneChip";
import { StatusDot } from "../shared/StatusDot";
import { Term, TERMS } from "../shared/Term";
import { SmControls } from "./SmControls";

/** Reachability of one session at a glance (§0.1): offline, connected but not receiving, online, away. */
export function reachability(s: SessionView): { label: string; tone: "ok" | "warn" | "idle" | "info"; why: string } {
  if (s.status !== "online") return { label: "not connected", tone: "idle", why: "The session is not connected." };
  if (!s.receiving) {
    const why =
      s.presenceChoice === null
        ? "Connected, but no presence sent yet: it does not receive messages sent to the bare JID."
        : s.presenceChoice === "unavailable"
          ? "Sent unavailable presence: it does not receive messages sent to the bare JID."
          : `Negative priority (${s.priority}): it does not receive messages sent to the bare JID.`;
    return { label: "not receiving", tone: "warn", why };
  }
  if (s.away) return { label: "away", tone: "info", why: "Receiving, with an away <show>: counts as away for push decisions." };
  return { label: "online", tone: "ok", why: "Receiving and online: under the spec policy no push is sent while it is." };
}

const NO_PRESENCE = "none";

export function ResourceCard({ session }: { session: SessionView }) {
  const playground = usePlayground();
  const ids = useId();
  const [priority, setPriority] = useState(String(session.priority));
  const [statusText, setStatusText] = useState(session.statusText);
  const [name, setName] = useState(session.resource);
  const [busy, setBusy] = useState(false);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(session);

  const connected = session.status === "online";
  const transitioning = session.status === "connecting" || session.status === "disconnecting";
  const reach = reachability(session);
  const priorityNumber = Number(priority);
  const priorityValid = priority.trim() !== "" && Number.isInteger(priorityNumber) && priorityNumber >= -128 && priorityNumber <= 127;

  const run = async (action: () => Promise<{ ok: boolean; error?: PlaygroundError } | void>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (result && !result.ok && result.error) setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  const sendPresence = (show: PresenceChoice) => {
    if (!priorityValid) {
      setError("Priority must be a whole number from -128 to 127.");
      return;
    }
    void run(() => playground.setPresence(session.id, { show, priority: priorityNumber, status: statusText || undefined }));
  };

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
    <section
      className="resource-card"
      aria-label={`Resource ${session.resource}`}
      style={{ ["--lane-colour" as string]: safeColour(session.colour) }}
    >
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

      <div className="resource-state">
        <StatusDot tone={STATUS_TONES[session.status]} label={STATUS_LABELS[session.status]} title={session.jid ?? undefined} />
        <span className={`badge badge-${reach.tone}`}>
          <Term tip={`${reach.why} ${reach.label === "not receiving" ? TERMS.receiving : reach.label === "away" ? TERMS.away : reach.label === "online" ? TERMS.online : ""}`}>
            {reach.label}
          </Term>
        </span>
        {session.presenceChoice ? <span className="small muted">sent {session.presenceChoice}</span> : null}
        <span className="small muted" title="Messages this session received since it connected">
          {session.received} received
        </span>
      </div>
      {reach.label === "not receiving" ? <p className="small muted">{reach.why}</p> : null}
      <SmControls
        session={session}
        busy={busy || transitioning}
        onKill={() => void run(() => playground.killResource(session.id))}
        onResume={() => void run(() => playground.resumeResource(session.id))}
      />
      {session.lastError ? (
        <p className="callout callout-err small" role="alert">
          {describeError(session.lastError)}
        </p>
      ) : null}

      <fieldset disabled={!connected || busy} className="resource-presence-set">
        <legend>Presence</legend>
        <div className="toolbar-group" role="group" aria-label={`Send presence from ${session.resource}`}>
          {PRESENCE_CHOICES.map((choice) => (
            <button
              key={choice}
              type="button"
              className="btn btn-small"
              aria-pressed={session.presenceChoice === choice}
              title={`Send ${PRESENCE_LABELS[choice]} presence`}
              onClick={() => sendPresence(choice)}
            >
              {choice}
            </button>
          ))}
        </div>
        <div className="resource-presence">
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-status`}>
              Status text
            </label>
            <input id={`${ids}-status`} className="input" value={statusText} onChange={(e) => setStatusText(e.target.value)} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-priority`}>
              Priority
            </label>
            <input
              id={`${ids}-priority`}
              className="input mono"
              type="number"
              min={-128}
              max={127}
              title={TERMS.priority}
              value={priority}
              aria-invalid={priorityValid ? undefined : true}
              onChange={(e) => setPriority(e.target.value)}
            />
          </div>
        </div>
      </fieldset>
      <div className="field field-inline">
        <label className="field-label" htmlFor={`${ids}-on-connect`}>
          On connect
        </label>
        <select
          id={`${ids}-on-connect`}
          className="input"
          value={session.presenceOnConnect ?? NO_PRESENCE}
          title="Presence sent right after login, with the last priority and status text this resource sent (0 and none at first)"
          onChange={(e) => {
            const choice = PRESENCE_CHOICES.find((c) => c === e.target.value) ?? null;
            playground.setPresenceOnConnect(session.id, choice === "unavailable" ? null : choice);
          }}
        >
          {PRESENCE_CHOICES.filter((c) => c !== "unavailable").map((c) => (
            <option key={c} value={c}>
              send {c}
            </option>
          ))}
          <option value={NO_PRESENCE}>send no presence (not receiving)</option>
        </select>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
