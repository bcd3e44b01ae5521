import { useExpectationsStore } from "../../stores/hooks";
import { selectExpectationPolicy, selectRecordForEvent } from "../../stores/expectations";
import { expectText, VERDICT_MARKS, VERDICT_TONES, VERDICT_WORDS } from "./expectation-format";

/**
 * The expectation of a sent message in its timeline row: what the chosen policy expects, and the
 * verdict once the wait window closed ("expect push · spec ✓", "expect no push · spec ✗ mismatch").
 * A server decision that disagrees with the prediction gets its own loud badge.
 */
export function ExpectationBadge({ eventId }: { eventId: string }) {
  const record = useExpectationsStore((s) => selectRecordForEvent(s, eventId));
  const policy = useExpectationsStore(selectExpectationPolicy);
  if (!record) return null;
  const prediction = record.predictions[policy];
  const verdict = record.verdicts[policy];
  const server = record.server;
  return (
    <>
      {/* The verdict mark comes first so a narrow row never truncates it away; the title has the full sentence. */}
      <span
        className={`tl-link badge badge-${VERDICT_TONES[verdict.status]}`}
        style={{ maxWidth: "20em", overflow: "hidden", textOverflow: "ellipsis", display: "inline-block" }}
        title={verdict.sentence}
        data-verdict={verdict.status}
      >
        <span aria-hidden="true">{VERDICT_MARKS[verdict.status]}</span>
        {verdict.status === "mismatch" ? " mismatch:" : <span className="visually-hidden"> {VERDICT_WORDS[verdict.status]}:</span>} {expectText(prediction)} · {policy}
      </span>
      {server && !server.agrees ? (
        <span
          className="tl-link badge badge-err"
          title={`The server's own decision (${server.policy}: ${server.rule}) disagrees with the playground's ${server.policy} prediction: ${server.differences.join("; ")}`}
        >
          ⚠ server<span className="visually-hidden"> decision disagrees with the prediction</span>
        </span>
      ) : null}
    </>
  );
}
