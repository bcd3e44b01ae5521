import { useId, useState } from "react";
import { usePlayground } from "../../playground-context";
import { useProfileStore } from "../../stores/hooks";
import { TextField } from "../shared/Field";

/** Save the current profile under a name, load or delete a saved one, or go back to the defaults. */
export function SavedProfiles() {
  const playground = usePlayground();
  const ids = useId();
  const profile = useProfileStore((s) => s.profile);
  const saved = useProfileStore((s) => s.saved);
  const actions = playground.profile;
  const [chosen, setChosen] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const selectedSaved = saved.some((p) => p.name === chosen) ? chosen : (saved[0]?.name ?? "");

  return (
    <fieldset className="section">
      <legend>Saved profiles</legend>
      <div className="row">
        <TextField label="Profile name" value={profile.name} onChange={(name) => actions.update({ name })} />
        <button
          type="button"
          className="btn"
          disabled={!profile.name.trim()}
          onClick={() => {
            actions.saveCurrent(profile.name.trim());
            setChosen(profile.name.trim());
            setNotice(`Saved “${profile.name.trim()}”${profile.rememberPassword ? " with passwords" : " without passwords"}.`);
          }}
        >
          Save profile
        </button>
      </div>
      {saved.length ? (
        <div className="row">
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-saved`}>
              Saved profile
            </label>
            <select id={`${ids}-saved`} className="input" value={selectedSaved} onChange={(e) => setChosen(e.target.value)}>
              {saved.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className="btn"
            onClick={() => {
              if (actions.load(selectedSaved)) setNotice(`Loaded “${selectedSaved}”.`);
            }}
          >
            Load
          </button>
          <button
            type="button"
            className="btn btn-danger"
            onClick={() => {
              actions.remove(selectedSaved);
              setNotice(`Deleted “${selectedSaved}”.`);
            }}
          >
            Delete
          </button>
        </div>
      ) : (
        <p className="small muted">No saved profiles yet.</p>
      )}
      <button type="button" className="btn btn-small" onClick={() => actions.resetToDefaults()}>
        Reset to defaults
      </button>
      {notice ? (
        <p className="small" role="status">
          {notice}
        </p>
      ) : null}
    </fieldset>
  );
}
