import { usePlayground } from "../../playground-context";
import { useProfileStore } from "../../stores/hooks";
import type { ProfileAccountRole } from "../../stores/profile";
import { isSandboxService, SANDBOX_SERVICE } from "../../../sandbox/protocol";
import { DEFAULT_PROFILE } from "../../stores/profile";
import { CheckboxField, TextField } from "../shared/Field";
import { Term, TERMS } from "../shared/Term";
import { AwayShowsField } from "./AwayShowsField";

/** The server and the three accounts (account under test, sender, sink) the playground logs in as. */
export function ConnectionFields() {
  const playground = usePlayground();
  const profile = useProfileStore((s) => s.profile);
  const actions = playground.profile;
  const service = playground.resolvedService();
  const onSandbox = isSandboxService(profile.service);
  const account = (role: ProfileAccountRole, field: "username" | "password" | "resource") => (value: string) =>
    actions.updateAccount(role, { [field]: value });

  return (
    <>
      <fieldset className="section">
        <legend>Server</legend>
        <CheckboxField
          label="Sandbox server in this page"
          checked={onSandbox}
          onChange={(on) => actions.update({ service: on ? SANDBOX_SERVICE : DEFAULT_PROFILE.service })}
          help="The reference server's own code, run in a Web Worker: the four virtual hosts, dev registration, nothing to install and nothing leaves the browser."
        />
        {onSandbox ? null : (
          <TextField
            label="WebSocket URL"
            value={profile.service}
            mono
            onChange={(service) => actions.update({ service })}
            help={service.ok ? `Resolves to ${service.value}` : undefined}
            error={service.ok ? null : service.error.message}
          />
        )}
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

      <AwayShowsField />
    </>
  );
}
