import { useId } from "react";
import type { SessionView } from "../../stores/sessions";

/** A labelled select of the account's resources (the session an action is sent from). */
export function ResourcePicker({
  label,
  resources,
  value,
  onChange,
  help,
}: {
  label: string;
  resources: readonly SessionView[];
  value: string;
  onChange: (id: string) => void;
  help?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select
        id={id}
        className="input"
        value={value}
        aria-describedby={help ? `${id}-help` : undefined}
        onChange={(e) => onChange(e.target.value)}
        disabled={resources.length === 0}
      >
        {resources.length === 0 ? <option value="">no connected resource</option> : null}
        {resources.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
            {r.status === "online" ? "" : ` (${r.status})`}
          </option>
        ))}
      </select>
      {help ? (
        <div id={`${id}-help`} className="field-help">
          {help}
        </div>
      ) : null}
    </div>
  );
}
