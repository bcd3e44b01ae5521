import { useState } from "react";
import { usePlayground } from "../../playground-context";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import { CheckboxField } from "../shared/Field";
import { ConnectionFields } from "./ConnectionFields";
import { SavedProfiles } from "./SavedProfiles";

/** Where and as whom to connect: the account under test, the sender and the App Server sink. */
export function ProfilePanel() {
  const playground = usePlayground();
  const rememberPassword = useProfileStore((s) => s.profile.rememberPassword);
  const autoReconnect = useProfileStore((s) => s.autoReconnect);
  const anyConnected = useSessionsStore((s) => Object.values(s.sessions).some((v) => v.status === "online" || v.status === "connecting"));
  const actions = playground.profile;
  const [busy, setBusy] = useState(false);
  const service = playground.resolvedService();

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

      <ConnectionFields />

      <CheckboxField
        label="Remember passwords"
        checked={rememberPassword}
        onChange={(rememberPassword) => actions.update({ rememberPassword })}
        help="Stores passwords in this browser's localStorage in clear text. Leave off for real accounts."
      />

      <CheckboxField
        label="Reconnect automatically"
        checked={autoReconnect}
        onChange={(on) => actions.setAutoReconnect(on)}
        help="When a connection drops (e.g. the server stopped), reconnect after 2 s, then 4, 8, 15, 30 s; a session the server still holds is resumed (XEP-0198)."
      />

      <SavedProfiles />
    </section>
  );
}
