import { Fragment, useMemo } from "react";
import { presenceText } from "../../../protocol/policy/common";
import { POLICY_NAMES, type PolicyName, type PushDecision } from "../../../protocol/policy/types";
import { keysText } from "../../expectations/keys";
import { chooseExpectationPolicy } from "../../expectations/policy-match";
import type { ExpectationRecord, ObservedPush, ServerCheck } from "../../expectations/types";
import { useExpectationsStore } from "../../stores/hooks";
import { selectRecordForEvent } from "../../stores/expectations";
import { seconds, VERDICT_MARKS, VERDICT_WORDS } from "./expectation-format";

function observedText(pushes: readonly ObservedPush[]): string {
  if (pushes.length === 0) return "none";
  return pushes.map((p) => `${p.key.node || "(no node)"}${p.linkMethod === "heuristic" ? " (linked by guess)" : ""}`).join(", ");
}

function windowText(record: ExpectationRecord): string {
  const o = record.observation;
  if (o.unobservable) return `Not observable: ${o.unobservable}.`;
  if (o.closedAt === null) return `Waiting ${seconds(record.windowMs)} for pushes…`;
  const late = o.late.length ? `; ${o.late.length} more arrived after the window (${observedText(o.late)})` : "";
  return `Window of ${seconds(record.windowMs)} closed: ${o.pushes.length} ${o.pushes.length === 1 ? "push" : "pushes"} observed${late}.`;
}

/** The summary form the chosen policy would publish, as plain text. */
function summaryText(summary: PushDecision["summary"]): string {
  if (summary.omitForm) return "a notification without a summary form";
  const parts: string[] = [];
  if (summary.messageCount !== undefined) parts.push(`message-count ${summary.messageCount}`);
  if (summary.lastMessageSender !== undefined) parts.push(`last-message-sender ${summary.lastMessageSender}`);
  if (summary.lastMessageBody !== undefined) parts.push(`last-message-body ${JSON.stringify(summary.lastMessageBody)}`);
  if (summary.formType) parts.push(`form type ${summary.formType}`);
  return parts.length ? parts.join("; ") : "a summary form with FORM_TYPE only";
}

function snapshotText(record: ExpectationRecord): string {
  const sessions = record.sessions.length ? record.sessions.map((s) => `${s.resource}: ${presenceText(s)}`).join("; ") : "no session connected";
  const delivery = record.delivery.storedOffline
    ? "stored offline"
    : record.delivery.deliveredTo.length
      ? `delivered to ${record.delivery.deliveredTo.join(", ")}`
      : "not delivered";
  return `When sent: ${sessions}; message ${record.message.type}${record.message.hasBody ? " with body" : " without body"}, ${delivery}.`;
}

/**
 * Expected and observed pushes for the selected sent message, per policy, with the one-sentence
 * why, and the reference server's own decision beside the prediction for its policy.
 */
export function ExpectationDetail({ eventId }: { eventId: string }) {
  const record = useExpectationsStore((s) => selectRecordForEvent(s, eventId));
  const pinned = useExpectationsStore((s) => s.pinned);
  const serverPolicy = useExpectationsStore((s) => s.server?.policy ?? null);
  const scores = useExpectationsStore((s) => s.scores);
  const choice = useMemo(() => chooseExpectationPolicy({ pinned, serverPolicy, scores }), [pinned, serverPolicy, scores]);

  if (!record) {
    return (
      <section className="stack" aria-label="Push expectations">
        <h3>Push expectations</h3>
        <p className="small muted">
          No prediction for this message: the playground predicts messages it sends to the account during this run (not
          imported ones, nor messages without an id).
        </p>
      </section>
    );
  }
  const server = record.server;
  const observed = record.observation.unobservable ? "not observable" : record.observation.closedAt === null ? `so far: ${observedText(record.observation.pushes)}` : observedText(record.observation.pushes);
  return (
    <section className="stack" aria-label="Push expectations">
      <h3>Push expectations</h3>
      <p className="small">{windowText(record)} Verdicts use <strong>{choice.policy}</strong> ({choice.why}).</p>
      {server && !server.agrees ? (
        <div className="callout callout-err" role="alert">
          <strong>The server&apos;s decision disagrees with the {server.policy} prediction</strong>: they run the same decision
          function, so this is a bug in one of them.
          <ul>
            {server.differences.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {/* Five columns need more than a narrow detail pane: scroll sideways rather than squeeze the sentences. */}
      <div style={{ overflowX: "auto" }}>
        <table className="table" style={{ minWidth: 640 }} aria-label="Expected and observed pushes per policy">
          <thead>
            <tr>
              <th scope="col">policy</th>
              <th scope="col">expected</th>
              <th scope="col">observed</th>
              <th scope="col">verdict</th>
              <th scope="col" style={{ minWidth: "16em" }}>
                why
              </th>
            </tr>
          </thead>
          <tbody>
            {POLICY_NAMES.map((name) => (
              <Fragment key={name}>
                <PolicyRow record={record} policy={name} chosen={name === choice.policy} observed={observed} />
                {server && server.policy === name ? <ServerRow server={server} /> : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {record.predictions[choice.policy].expected.length ? (
        <p className="small">
          Expected notification ({choice.policy}): {summaryText(record.predictions[choice.policy].decision.summary)}
        </p>
      ) : null}
      <p className="small muted">{snapshotText(record)}</p>
    </section>
  );
}

function PolicyRow({ record, policy, chosen, observed }: { record: ExpectationRecord; policy: PolicyName; chosen: boolean; observed: string }) {
  const prediction = record.predictions[policy];
  const verdict = record.verdicts[policy];
  return (
    <tr aria-current={chosen ? "true" : undefined}>
      <th scope="row">
        {policy}
        {chosen ? <span className="muted small"> (expectation)</span> : null}
      </th>
      <td className="mono">{keysText(prediction.expected)}</td>
      <td className="mono">{observed}</td>
      <td>
        <span aria-hidden="true">{VERDICT_MARKS[verdict.status]}</span> {VERDICT_WORDS[verdict.status]}
      </td>
      <td>
        {verdict.sentence}
        {prediction.excluded.length ? <span className="small muted"> Left out: {prediction.excluded.map((e) => e.why).join("; ")}.</span> : null}
      </td>
    </tr>
  );
}

/** The server's own record, in the same columns, right under the prediction it must agree with. */
function ServerRow({ server }: { server: ServerCheck }) {
  return (
    <tr>
      <th scope="row">
        server <span className="muted small">#{server.seq} ({server.host})</span>
      </th>
      <td className="mono">{keysText(server.pushed)}</td>
      <td className="muted">—</td>
      <td>
        <span className={`badge ${server.agrees ? "badge-ok" : "badge-err"}`}>{server.agrees ? "✓ agrees" : "✗ disagrees"}</span>
      </td>
      <td>
        <span className="mono">{server.rule}</span>: {server.reason}
      </td>
    </tr>
  );
}
