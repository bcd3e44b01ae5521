import { useId } from "react";
import { PROFILE_IDS, PROFILES } from "../../app-server/profiles";
import type { ProfileId, ProfileSettings } from "../../app-server/types";
import { usePlayground } from "../../playground-context";
import { useSinkStore } from "../../stores/hooks";
import { CheckboxField, TextField } from "../shared/Field";

const list = (text: string) => text.split(/[\s,]+/).filter((s) => s !== "");

/** The settings one profile has: p2's secret and nodes, fpush's modules and blocked tokens, mod_push_appserver's priority. */
function ProfileSettingsFields({ profile, settings, onChange }: { profile: ProfileId; settings: ProfileSettings; onChange(next: ProfileSettings): void }) {
  const ids = useId();
  switch (profile) {
    case "p2":
      return (
        <>
          <TextField label="p2 secret" value={settings.p2.secret} mono onChange={(secret) => onChange({ ...settings, p2: { ...settings.p2, secret } })} help="Publishes without this secret publish-option are answered auth/forbidden." />
          <TextField
            label="Nodes p2 knows"
            value={settings.p2.knownNodes.join(" ")}
            mono
            onChange={(v) => onChange({ ...settings, p2: { ...settings.p2, knownNodes: list(v) } })}
            help="Space-separated; empty: every node. Other nodes are answered cancel/item-not-found."
          />
          <CheckboxField
            label="FCM fails (wait/recipient-unavailable)"
            checked={settings.p2.providerFailure}
            onChange={(providerFailure) => onChange({ ...settings, p2: { ...settings.p2, providerFailure } })}
          />
        </>
      );
    case "fpush":
      return (
        <>
          <TextField label="fpush push modules" value={settings.fpush.modules.join(" ")} mono onChange={(v) => onChange({ ...settings, fpush: { ...settings.fpush, modules: list(v) } })} help="The pushModule publish-option picks one; the first is the default." />
          <TextField
            label="Blocked tokens"
            value={settings.fpush.blockedTokens.join(" ")}
            mono
            onChange={(v) => onChange({ ...settings, fpush: { ...settings.fpush, blockedTokens: list(v) } })}
            help="Nodes (device tokens) APNs answered 410 for: answered cancel/policy-violation."
          />
        </>
      );
    case "mod_push_appserver":
      return (
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-priority`}>
            APNs priority
          </label>
          <select
            id={`${ids}-priority`}
            className="input"
            value={settings.modPushAppserver.priority}
            onChange={(e) => {
              const priority = (["auto", "high", "silent"] as const).find((p) => p === e.target.value);
              if (priority) onChange({ ...settings, modPushAppserver: { priority } });
            }}
          >
            <option value="auto">auto (high only with a message body)</option>
            <option value="high">high</option>
            <option value="silent">silent</option>
          </select>
        </div>
      );
    default:
      return null;
  }
}

/** Which real App Server the sink plays, what that means on the wire, and its settings. */
export function SinkProfile() {
  const playground = usePlayground();
  const ids = useId();
  const profile = useSinkStore((s) => s.profile);
  const settings = useSinkStore((s) => s.profileSettings);
  const p = PROFILES[profile];
  const defaults = p.formDefaults(settings);

  return (
    <fieldset className="section">
      <legend>App Server profile</legend>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-profile`}>
          Behave like
        </label>
        <select
          id={`${ids}-profile`}
          className="input"
          value={profile}
          aria-describedby={`${ids}-about`}
          onChange={(e) => {
            const next = PROFILE_IDS.find((id) => id === e.target.value);
            if (next) playground.setSinkProfile(next);
          }}
        >
          {PROFILE_IDS.map((id) => (
            <option key={id} value={id}>
              {PROFILES[id].label}
            </option>
          ))}
        </select>
      </div>
      <p id={`${ids}-about`} className="small">
        {p.emulates} <span className="muted">Source: {p.source}.</span>
        {p.builtInRateLimit !== null ? ` Rate limit: ${p.builtInRateLimit} per second per node.` : ""}
      </p>
      {defaults.length > 0 ? (
        <p className="small muted">
          The enable form starts with the publish-options {defaults.map((d) => `${d.var}=${d.value}`).join(", ")}.
        </p>
      ) : null}
      <ProfileSettingsFields profile={profile} settings={settings} onChange={(next) => playground.setSinkProfileSettings(next)} />
    </fieldset>
  );
}
