import type { ScenarioReport } from "../../../conformance/types";
import { usePlayground } from "../../playground-context";
import { useScenariosStore } from "../../stores/hooks";

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

/** Every scenario with its selection box, what it expects, what the last run observed and its verdict. */
export function ScenariosTable({ onShowInTimeline }: { onShowInTimeline(eventId: string): void }) {
  const actions = usePlayground().scenarios;
  const catalogue = useScenariosStore((s) => s.catalogue);
  const selected = useScenariosStore((s) => s.selected);
  const busy = useScenariosStore((s) => s.status === "running");
  const runIds = useScenariosStore((s) => s.runIds);
  const running = useScenariosStore((s) => s.running);
  const results = useScenariosStore((s) => s.results);
  const firstEventIds = useScenariosStore((s) => s.firstEventIds);
  const allSelected = selected.length === catalogue.length;

  return (
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
                    <button type="button" className="btn btn-small btn-link" aria-label={`Show ${s.id} in timeline`} onClick={() => onShowInTimeline(eventId)}>
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
  );
}
