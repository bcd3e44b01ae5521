import { useId, useState } from "react";
import { usePlayground } from "../../playground-context";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import type { ProfileAccountRole } from "../../stores/profile";
import { CheckboxField, TextField } from "../shared/Field";
import { Term, TERMS } from "../shared/Term";

/** Where and as whom to connect: the account under test, the sender and the App Server sink. */
export function ProfilePanel() {
  const playground = usePlayground();
  const ids = useId();
  const profile = useProfileStore((s) => s.profile);
  const saved = useProfileStore((s) => s.saved);
  const anyConnected = useSessionsStore((s) => Object.values(s.sessions).some((v) => v.status === "online" || v.status === "connecting"));
  const actions = playground.stores.profile.getState();
  const [chosen, setChosen] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const service = playground.resolvedService();
  const account = (role: ProfileAccountRole, field: "username" | "password" | "resource") => (value: string) =>
    actions.updateAccount(role, { [field]: value });
  const selectedSaved = saved.some((p) => p.name === chosen) ? chosen : (saved[0]?.name ?? "");

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-label="Connection profile">
      <div className="panel-header">
        <h2>Connection</h2>
      </div>
      <p className="panel-intro">
        The defaults talk to the reference server bundled with this page. Passwords are not saved unless you tick
        “Remember passwords”.
      </p>

      <div className="row">
        <button type="button" className="btn btn-primary" disabled={busy || !service.ok} onClick={() => void run(() => playground.connectAll())}>
          Connect all
        </button>
        <button type="button" className="btn" disabled={busy || !anyConnected} onClick={() => void run(() => playground.disconnectAll())}>
          Close all sessions
        </button>
      </div>
      <p className="small muted">Connect all opens every resource, the sender and the sink at once.</p>

      <fieldset className="section">
        <legend>Server</legend>
        <TextField
          label="WebSocket URL"
          value={profile.service}
          mono
          onChange={(service) => actions.update({ service })}
          help={service.ok ? `Resolves to ${service.value}` : undefined}
          error={service.ok ? null : service.error.message}
        />
        <TextField label="Domain" value={profile.domain} mono onChange={(domain) => actions.update({ domain })} />
      </fieldset>

      <fieldset className="section">
        <legend>Account under test</legend>
        <div className="row">
          <TextField label="Account username" value={profile.account.username} mono onChange={account("account", "username")} />
          <TextField label="Account password" type="password" value={profile.account.password} onChange={account("account", "password")} autoComplete="off" />
        </div>
        <p className="field-help">Resources are added in the left column; each logs in as {profile.account.username}@{profile.domain}/name.</p>
      </fieldset>

      <fieldset className="section">
        <legend>Sender</legend>
        <div className="row">
          <TextField label="Sender username" value={profile.sender.username} mono onChange={account("sender", "username")} />
          <TextField label="Sender password" type="password" value={profile.sender.password} onChange={account("sender", "password")} />
        </div>
      </fieldset>

      <fieldset className="section">
        <legend>
          <Term tip={TERMS.sink}>App Server sink</Term>
        </legend>
        <div className="row">
          <TextField label="Sink username" value={profile.sink.username} mono onChange={account("sink", "username")} />
          <TextField label="Sink password" type="password" value={profile.sink.password} onChange={account("sink", "password")} />
        </div>
        <TextField
          label="Sink resource"
          value={profile.sink.resource}
          mono
          onChange={account("sink", "resource")}
          help={`Push service jid: ${profile.sink.username}@${profile.domain}/${profile.sink.resource} (must be a full JID).`}
          error={profile.sink.resource.trim() ? null : "The sink needs a resource: pushes to a bare JID are answered by the server's PEP."}
        />
      </fieldset>

      <CheckboxField
        label="Remember passwords"
        checked={profile.rememberPassword}
        onChange={(rememberPassword) => actions.update({ rememberPassword })}
        help="Stores passwords in this browser's localStorage in clear text. Leave off for real accounts."
      />

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
    </section>
  );
}
