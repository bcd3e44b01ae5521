import { describeCounts, toJson, toMarkdown } from "../../../conformance/format";
import { describeIdentification } from "../../../conformance/identify";
import { serverLabel } from "../../../conformance/server-identity";
import type { AccountMode, ScenarioReport } from "../../../conformance/types";
import { POLICY_NAMES } from "../../../protocol/policy/types";
import type { ScenarioInfo } from "../../../scenarios/expectations";
import { usePlayground } from "../../playground-context";
import { useScenarioRunner } from "../../scenarios/runner-context";
import { useProfileStore, useScenariosStore, useStores } from "../../stores/hooks";
import type { ScenarioPolicyChoice } from "../../stores/scenarios";
import { downloadText } from "../shared/download";
import "../../styles/scenarios.css";

const POLICY_CHOICES: { value: ScenarioPolicyChoice; label: string }[] = [
  { value: "from-disco", label: "the server's own (from disco#info)" },
  ...POLICY_NAMES.map((p) => ({ value: p as ScenarioPolicyChoice, label: p })),
];

function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, "-");
}

function shortFeature(feature: string): string {
  return feature === "urn:xmpp:push:0" ? "push" : feature === "tigase:push:away:0" ? "away" : feature;
}

function Observed({ report }: { report: ScenarioReport }) {
  return (
    <>
      <span>{report.detail}</span>
      {report.mismatches.length > 0 ? (
        <ul className="scenario-mismatches">
          {report.mismatches.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
      {report.housekeeping.length > 0 ? (
        <details className="scenario-housekeeping">
          <summary>
            {report.housekeeping.length} housekeeping note{report.housekeeping.length === 1 ? "" : "s"}
          </summary>
          <ul>
            {report.housekeeping.map((h, i) => (
              <li key={i}>{h}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

/**
 * The §C conformance scenarios against the profile's server: pick some or all, run them (the
 * harness logs in with its own clients and fresh resources), watch progress, read each verdict
 * with what was expected and observed, jump to the scenario's events on the timeline, export.
 * The shell shows it full-width (`wide`); "Show side panels" brings the other columns back.
 */
export function ScenariosPanel({ onShowTimeline, wide, onWideChange }: { onShowTimeline?: () => void; wide?: boolean; onWideChange?: (wide: boolean) => void }) {
  const runner = useScenarioRunner();
  const playground = usePlayground();
  const stores = useStores();
  const catalogue = useScenariosStore((s) => s.catalogue);
  const selected = useScenariosStore((s) => s.selected);
  const policy = useScenariosStore((s) => s.policy);
  const accounts = useScenariosStore((s) => s.accounts);
  const status = useScenariosStore((s) => s.status);
  const runIds = useScenariosStore((s) => s.runIds);
  const done = useScenariosStore((s) => s.done);
  const running = useScenariosStore((s) => s.running);
  const preflight = useScenariosStore((s) => s.preflight);
  const results = useScenariosStore((s) => s.results);
  const identification = useScenariosStore((s) => s.identification);
  const report = useScenariosStore((s) => s.report);
  const error = useScenariosStore((s) => s.error);
  const firstEventIds = useScenariosStore((s) => s.firstEventIds);
  const profile = useProfileStore((s) => s.profile);
  const actions = stores.scenarios.getState();
  const busy = status === "running";
  const total = runIds.length;
  const byId = new Map<string, ScenarioInfo>(catalogue.map((s) => [s.id, s]));
  const allSelected = selected.length === catalogue.length;

  const showInTimeline = (eventId: string) => {
    runner.flush();
    const timeline = stores.timeline.getState();
    if (timeline.view !== "live") timeline.showView("live");
    timeline.setLaneFilter(null);
    timeline.setKindFilter(null);
    timeline.setSearch("");
    playground.timeline.select(eventId);
    onShowTimeline?.();
  };

  const exportAs = (format: "md" | "json") => {
    if (!report) return;
    const stamp = fileStamp(Date.parse(report.startedAt) || Date.now());
    if (format === "md") downloadText(`xmpp-push-scenarios-${stamp}.md`, toMarkdown(report), "text/markdown");
    else downloadText(`xmpp-push-scenarios-${stamp}.json`, toJson(report));
  };

  const currentNames = running.map((id) => `${id} ${byId.get(id)?.name ?? ""}`.trim()).join(", ");
  return (
    <section className="panel scenarios-panel scroll" aria-label="Conformance scenarios">
      <div className="panel-header">
        <h2>Scenarios</h2>
        {onWideChange ? (
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={!wide}
            title={wide ? "Bring back the resources and tools columns beside the report" : "Hide the side columns so the report gets the whole width"}
            onClick={() => onWideChange(!wide)}
          >
            Show side panels
          </button>
        ) : null}
      </div>
      <p className="panel-intro">
        Runs the {catalogue.length} conformance scenarios against <code>{profile.service}</code> (domain <code>{profile.domain}</code>) as{" "}
        <code>{profile.account.username}</code>, <code>{profile.sender.username}</code> and <code>{profile.sink.username}</code> from the Connection tab.
        The run logs in with its own clients and fresh resources; your playground sessions are left alone. Scenarios that need a feature
        the server does not advertise are reported as n/a.
      </p>
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
        <label className="field-inline" title="Shared: scenarios run one by one on the profile's accounts, cleaning up after themselves (real servers). Fresh: each scenario logs in as new usernames, which only a server that registers on first login accepts (the reference server); they may run in parallel.">
          Accounts{" "}
          <select className="input" value={accounts} disabled={busy} onChange={(e) => actions.setAccounts(e.target.value as AccountMode)}>
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

      {status !== "idle" ? (
        <div className="scenarios-progress">
          <div
            className="scenarios-bar"
            role="progressbar"
            aria-label="Scenario progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
          >
            <div className="scenarios-bar-fill" style={{ width: `${total > 0 ? (100 * done) / total : 0}%` }} />
          </div>
          <span>
            {done}/{total}
            {busy ? (preflight ? (currentNames ? `: running ${currentNames}` : "") : ": logging in and asking disco#info…") : ""}
          </span>
        </div>
      ) : null}
      {error ? (
        <p className="callout callout-err" role="alert">
          {error}
        </p>
      ) : null}
      {preflight ? (
        <p className="scenarios-server">
          Server: {serverLabel(preflight.server)}
          {preflight.server.name ? ` ("${preflight.server.name}")` : ""}. Judged under <strong>{preflight.policy}</strong> (
          {preflight.policySource === "disco" ? "named by its disco#info" : preflight.policySource === "option" ? "chosen" : "default: the server names no policy"}).
          {preflight.accountFeatures ? ` Account advertises: ${preflight.accountFeatures.filter((f) => f.includes("push")).join(", ") || "no push feature"}.` : ""}
        </p>
      ) : null}
      {identification ? (
        <p className="scenarios-identification" data-testid="scenarios-identification">
          {describeIdentification(identification)}
        </p>
      ) : null}
      {report && !report.fatal ? <p className="muted">{describeCounts(report)}</p> : null}

      <div className="scenarios-table-wrap">
        <table className="scenarios-table">
          <caption className="visually-hidden">Scenarios and results</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all scenarios"
                  checked={allSelected}
                  disabled={busy}
                  onChange={() => actions.setSelected(allSelected ? [] : catalogue.map((s) => s.id))}
                />
              </th>
              <th scope="col">Scenario</th>
              <th scope="col">Level</th>
              <th scope="col">Needs</th>
              <th scope="col">Expected</th>
              <th scope="col">Observed</th>
              <th scope="col">Verdict</th>
              <th scope="col">Hint</th>
              <th scope="col">Timeline</th>
            </tr>
          </thead>
          <tbody>
            {catalogue.map((s) => {
              const r = runIds.includes(s.id) ? results[s.id] : undefined;
              const isRunning = running.includes(s.id);
              const eventId = firstEventIds[s.id];
              return (
                <tr key={s.id} aria-label={`${s.id} ${s.name}`} data-verdict={r?.verdict ?? (isRunning ? "running" : "")}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${s.id}`} checked={selected.includes(s.id)} disabled={busy} onChange={() => actions.toggle(s.id)} />
                  </td>
                  <th scope="row">
                    {s.id} {s.name}
                  </th>
                  <td>
                    <span className={`level level-${s.level.toLowerCase()}`}>{s.level}</span>
                  </td>
                  <td>{[...(s.needs ?? []).map(shortFeature), ...(s.needsStreamManagement ? ["stream management"] : [])].join(", ") || "–"}</td>
                  <td>{s.expectation}</td>
                  <td>{r ? <Observed report={r} /> : isRunning ? "running…" : ""}</td>
                  <td>{r ? <span className={`verdict verdict-${r.verdict === "n/a" ? "na" : r.verdict}`}>{r.verdict}</span> : ""}</td>
                  <td>{r?.hint ?? ""}</td>
                  <td>
                    {eventId && runIds.includes(s.id) ? (
                      <button type="button" className="btn btn-small btn-link" aria-label={`Show ${s.id} in timeline`} onClick={() => showInTimeline(eventId)}>
                        Show in timeline
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
