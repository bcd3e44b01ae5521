import { toJson, toMarkdown } from "../../../conformance/format";
import type { AccountChoice } from "../../../conformance/types";
import { POLICY_NAMES } from "../../../protocol/policy/types";
import { useScenarioRunner } from "../../scenarios/runner-context";
import { usePlayground } from "../../playground-context";
import { useScenariosStore } from "../../stores/hooks";
import type { ScenarioPolicyChoice } from "../../stores/scenarios";
import { downloadText } from "../shared/download";

const POLICY_CHOICES: { value: ScenarioPolicyChoice; label: string }[] = [
  { value: "from-disco", label: "the server's own (from disco#info)" },
  ...POLICY_NAMES.map((p) => ({ value: p as ScenarioPolicyChoice, label: p })),
];

function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, "-");
}

/** The run's options (judging policy, accounts), Run all / Run selected, and the report's exports. */
export function ScenariosControls() {
  const runner = useScenarioRunner();
  const actions = usePlayground().scenarios;
  const selected = useScenariosStore((s) => s.selected);
  const policy = useScenariosStore((s) => s.policy);
  const accounts = useScenariosStore((s) => s.accounts);
  const busy = useScenariosStore((s) => s.status === "running");
  const report = useScenariosStore((s) => s.report);

  const exportAs = (format: "md" | "json") => {
    if (!report) return;
    const stamp = fileStamp(Date.parse(report.startedAt) || Date.now());
    if (format === "md") downloadText(`xmpp-push-scenarios-${stamp}.md`, toMarkdown(report), "text/markdown");
    else downloadText(`xmpp-push-scenarios-${stamp}.json`, toJson(report));
  };

  return (
    <>
      <div className="row scenarios-options">
        <label className="field-inline">
          Judge under{" "}
          <select className="input" value={policy} disabled={busy} onChange={(e) => actions.setPolicy(e.target.value as ScenarioPolicyChoice)}>
            {POLICY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline" title="Automatic: fresh on the reference server (several scenarios at once, settled from its decision log), shared elsewhere. Shared: scenarios run one by one on the profile's accounts, cleaning up after themselves (real servers). Fresh: each scenario logs in as new usernames, which only a server that registers on first login accepts (the reference server).">
          Accounts{" "}
          <select className="input" value={accounts} disabled={busy} onChange={(e) => actions.setAccounts(e.target.value as AccountChoice)}>
            <option value="auto">automatic (fresh on the reference server)</option>
            <option value="shared">shared (the profile&apos;s accounts)</option>
            <option value="fresh">fresh (new usernames per scenario)</option>
          </select>
        </label>
      </div>
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void runner.run()}>
          Run all
        </button>
        <button type="button" className="btn" disabled={busy || selected.length === 0} onClick={() => void runner.run(selected)}>
          Run selected ({selected.length})
        </button>
        <button type="button" className="btn" disabled={!report || busy} onClick={() => exportAs("md")}>
          Export Markdown
        </button>
        <button type="button" className="btn" disabled={!report || busy} onClick={() => exportAs("json")}>
          Export JSON
        </button>
      </div>
      {busy ? <p className="muted">A run cannot be cancelled once started; it ends after the last scenario (each takes a few seconds).</p> : null}
    </>
  );
}
