import { useState } from "react";
import { usePlayground } from "../../playground-context";
import { TextField } from "../shared/Field";
import { Term, TERMS } from "../shared/Term";

export interface OptionRow {
  key: number;
  var: string;
  value: string;
}

export interface PublishOptionRows {
  options: OptionRow[];
  setOptions(update: (rows: OptionRow[]) => OptionRow[]): void;
  addOption(preset?: { var: string; value: string }): void;
  /** Set each default's row (adding it when missing): the sink profile's publish-options. */
  applyDefaults(defaults: readonly { var: string; value: string }[]): void;
}

/** The enable form's publish-options rows, each with a stable key so editing one keeps its focus. */
export function usePublishOptionRows(): PublishOptionRows {
  const [options, setOptions] = useState<OptionRow[]>([]);
  const [nextKey, setNextKey] = useState(1);
  const addOption = (preset?: { var: string; value: string }) => {
    setOptions((rows) => [...rows, { key: nextKey, var: preset?.var ?? "", value: preset?.value ?? "" }]);
    setNextKey((k) => k + 1);
  };
  const applyDefaults = (defaults: readonly { var: string; value: string }[]) => {
    const missing = defaults.filter((d) => !options.some((r) => r.var === d.var));
    setOptions((rows) => [
      ...rows.map((r) => {
        const d = defaults.find((x) => x.var === r.var);
        return d ? { ...r, value: d.value } : r;
      }),
      ...missing.map((d, i) => ({ key: nextKey + i, var: d.var, value: d.value })),
    ]);
    setNextKey((k) => k + missing.length);
  };
  return { options, setOptions, addOption, applyDefaults };
}

/** The optional publish-options form sent with enable: name/value rows, "Add field" and "Add secret". */
export function PublishOptionsFieldset({ options, setOptions, addOption }: Omit<PublishOptionRows, "applyDefaults">) {
  const playground = usePlayground();
  return (
    <fieldset>
      <legend>
        <Term tip={TERMS.publishOptions}>Publish-options</Term> (optional)
      </legend>
      {options.length === 0 ? <p className="small muted">None: the enable carries no form.</p> : null}
      {options.map((row, i) => (
        <div className="kv-row" key={row.key}>
          <TextField
            label={`Field ${i + 1} name`}
            value={row.var}
            mono
            onChange={(v) => setOptions((rows) => rows.map((r) => (r.key === row.key ? { ...r, var: v } : r)))}
          />
          <TextField
            label={`Field ${i + 1} value`}
            value={row.value}
            mono
            onChange={(v) => setOptions((rows) => rows.map((r) => (r.key === row.key ? { ...r, value: v } : r)))}
          />
          <button
            type="button"
            className="btn btn-small btn-icon"
            aria-label={`Remove field ${i + 1}`}
            onClick={() => setOptions((rows) => rows.filter((r) => r.key !== row.key))}
          >
            ✕
          </button>
        </div>
      ))}
      <div className="toolbar-group">
        <button type="button" className="btn btn-small" onClick={() => addOption()}>
          Add field
        </button>
        <button type="button" className="btn btn-small" onClick={() => addOption({ var: "secret", value: playground.freshNode() })}>
          Add secret
        </button>
      </div>
    </fieldset>
  );
}
