import { useId, useState } from "react";
import { xmlTextProblem } from "../../../protocol/xml-text";
import { PRESENCE_CHOICES, type PresenceChoice } from "../../model";
import { usePlayground } from "../../playground-context";
import type { SessionView } from "../../stores/sessions";
import { PRESENCE_LABELS } from "../shared/format";
import { TERMS } from "../shared/Term";
import { parsePriority } from "./priority";
import type { ResourceAction } from "./use-resource-action";

const NO_PRESENCE = "none";

/** An action's lower-case message as a sentence of its own. */
function sentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** Send a presence (show, status text, priority) from a connected resource. */
export function PresenceControls({ session, action }: { session: SessionView; action: ResourceAction }) {
  const playground = usePlayground();
  const ids = useId();
  const [priority, setPriority] = useState(String(session.priority));
  const [statusText, setStatusText] = useState(session.statusText);
  const { busy, run, setError } = action;
  const priorityNumber = parsePriority(priority);
  // The same check the action makes before sending: said here as it is typed.
  const statusProblem = xmlTextProblem(statusText, "status text");

  const sendPresence = (show: PresenceChoice) => {
    if (priorityNumber === null) {
      setError(`Priority must be a whole number from -128 to 127 (got “${priority.trim()}”).`);
      return;
    }
    if (statusProblem) {
      setError(sentence(statusProblem.message));
      return;
    }
    void run(() => playground.setPresence(session.id, { show, priority: priorityNumber, status: statusText || undefined }));
  };

  return (
    <fieldset disabled={session.status !== "online" || busy} className="resource-presence-set">
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
          <input
            id={`${ids}-status`}
            className="input"
            value={statusText}
            aria-invalid={statusProblem ? true : undefined}
            aria-describedby={statusProblem ? `${ids}-status-problem` : undefined}
            onChange={(e) => setStatusText(e.target.value)}
          />
          {statusProblem ? (
            <div id={`${ids}-status-problem`} className="field-error">
              {`${statusProblem.code} at character ${statusProblem.position} is not allowed in XML`}
            </div>
          ) : null}
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-priority`}>
            Priority
          </label>
          <input
            id={`${ids}-priority`}
            className="input mono"
            type="text"
            inputMode="numeric"
            title={TERMS.priority}
            value={priority}
            aria-invalid={priorityNumber === null ? true : undefined}
            onChange={(e) => setPriority(e.target.value)}
          />
        </div>
      </div>
    </fieldset>
  );
}

/** The presence a resource sends right after login, or none (connected but not receiving). */
export function PresenceOnConnect({ session }: { session: SessionView }) {
  const playground = usePlayground();
  const ids = useId();
  return (
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
  );
}
