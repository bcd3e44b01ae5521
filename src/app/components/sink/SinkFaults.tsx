import { useId, useState } from "react";
import { STANZA_ERROR_CONDITIONS } from "../../../protocol/stanzas/errors";
import { describeFaults, faultsFor, type AnswerFault, type FaultSettings, type LatencyFault } from "../../app-server/faults";
import type { ErrorAnswer, ProviderOutcome } from "../../app-server/types";
import { usePlayground } from "../../playground-context";
import { useRegistrationsStore, useSinkStore } from "../../stores/hooks";
import { TextField } from "../shared/Field";

const ERROR_TYPES: readonly ErrorAnswer["type"][] = ["cancel", "modify", "auth", "wait", "continue"];
const PROVIDER_OUTCOMES: readonly (ProviderOutcome | "")[] = ["", "delivered", "token-expired", "dropped"];
const ALL = "";

const toMs = (v: string) => Math.max(0, Math.round(Number(v) || 0));

function Select<T extends string>({ label, value, options, onChange, render }: { label: string; value: T; options: readonly T[]; onChange(v: T): void; render?(v: T): string }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input" value={value} onChange={(e) => { const v = options.find((o) => o === e.target.value); if (v !== undefined) onChange(v); }}>
        {options.map((o) => (
          <option key={o} value={o}>
            {render ? render(o) : o}
          </option>
        ))}
      </select>
    </div>
  );
}

function ErrorPicker({ label, value, onChange }: { label: string; value: ErrorAnswer; onChange(v: ErrorAnswer): void }) {
  return (
    <div className="row">
      <Select label={`${label} type`} value={value.type} options={ERROR_TYPES} onChange={(type) => onChange({ ...value, type })} />
      <Select label={`${label} condition`} value={value.condition} options={STANZA_ERROR_CONDITIONS} onChange={(condition) => onChange({ ...value, condition })} />
    </div>
  );
}

function LatencyFields({ latency, onChange }: { latency: LatencyFault; onChange(l: LatencyFault): void }) {
  return (
    <div className="row">
      <Select
        label="Latency"
        value={latency.kind}
        options={["none", "fixed", "random"] as const}
        render={(k) => ({ none: "none", fixed: "fixed", random: "random (seeded)" })[k]}
        onChange={(kind) => onChange(kind === "none" ? { kind } : kind === "fixed" ? { kind, ms: 500 } : { kind, minMs: 100, maxMs: 1000 })}
      />
      {latency.kind === "fixed" ? <TextField label="Delay (ms)" type="number" min={0} value={String(latency.ms)} onChange={(v) => onChange({ ...latency, ms: toMs(v) })} /> : null}
      {latency.kind === "random" ? (
        <>
          <TextField label="Min delay (ms)" type="number" min={0} value={String(latency.minMs)} onChange={(v) => onChange({ ...latency, minMs: toMs(v) })} />
          <TextField label="Max delay (ms)" type="number" min={0} value={String(latency.maxMs)} onChange={(v) => onChange({ ...latency, maxMs: toMs(v) })} />
        </>
      ) : null}
    </div>
  );
}

function AnswerFields({ answer, onChange }: { answer: AnswerFault; onChange(a: AnswerFault): void }) {
  return (
    <>
      <Select
        label="Answer"
        value={answer.kind}
        options={["profile", "no-reply", "error"] as const}
        render={(k) => ({ profile: "as the profile decides", "no-reply": "no reply (the server times out)", error: "a chosen error" })[k]}
        onChange={(kind) => onChange(kind === "error" ? { kind, type: "cancel", condition: "item-not-found" } : { kind })}
      />
      {answer.kind === "error" ? <ErrorPicker label="Forced error" value={answer} onChange={(e) => onChange({ kind: "error", ...e })} /> : null}
    </>
  );
}

/** Faults on top of the profile, for every node or for one registration node. */
export function SinkFaults() {
  const playground = usePlayground();
  const faults = useSinkStore((s) => s.faults);
  const registrations = useRegistrationsStore((s) => s.registrations);
  const [scope, setScope] = useState<string>(ALL);
  const nodes = [...new Set([...registrations.map((r) => r.node).filter((n): n is string => !!n), ...Object.keys(faults.byNode)])];
  const current = faultsFor(faults, scope);
  const own = scope === ALL || faults.byNode[scope] !== undefined;
  const set = (patch: Partial<FaultSettings>) => playground.setSinkFaults(scope === ALL ? null : scope, { ...current, ...patch });

  return (
    <fieldset className="section">
      <legend>Faults</legend>
      <Select label="Apply to" value={scope} options={[ALL, ...nodes]} render={(n) => (n === ALL ? "all nodes" : `node ${n}`)} onChange={setScope} />
      {!own ? <p className="small muted">This node follows the settings for all nodes until you change one below.</p> : null}
      <LatencyFields latency={current.latency} onChange={(latency) => set({ latency })} />
      <AnswerFields answer={current.answer} onChange={(answer) => set({ answer })} />
      <div className="row">
        <TextField
          label="Error probability (%)"
          type="number"
          min={0}
          max={100}
          value={String(Math.round(current.errorProbability.p * 100))}
          onChange={(v) => set({ errorProbability: { ...current.errorProbability, p: Math.min(100, toMs(v)) / 100 } })}
          help="Drawn from a seeded generator: the same run gives the same errors."
        />
      </div>
      {current.errorProbability.p > 0 ? <ErrorPicker label="Random error" value={current.errorProbability} onChange={(e) => set({ errorProbability: { ...current.errorProbability, ...e } })} /> : null}
      <TextField
        label="Rate limit (publishes per second)"
        type="number"
        min={0}
        value={current.rateLimitPerSecond === null ? "" : String(current.rateLimitPerSecond)}
        onChange={(v) => set({ rateLimitPerSecond: v.trim() === "" ? null : toMs(v) })}
        help="Empty: no limit. Past it the profile answers its own way (fpush acks, others wait/resource-constraint)."
      />
      <Select
        label="Push provider outcome"
        value={current.providerOutcome ?? ""}
        options={PROVIDER_OUTCOMES}
        render={(o) => (o === "" ? "not simulated" : o)}
        onChange={(o) => set({ providerOutcome: o === "" ? null : o })}
      />
      <div className="row">
        <p className="small muted" aria-live="polite">
          Now ({scope === ALL ? "all nodes" : `node ${scope}`}): {describeFaults(current)}.
        </p>
        {scope !== ALL && faults.byNode[scope] ? (
          <button type="button" className="btn btn-small" onClick={() => playground.setSinkFaults(scope, null)}>
            Use the settings for all nodes
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}
