import type { OperationResult } from "../../model";
import { formatTime } from "../shared/format";

/** The answer to the last enable or disable: outcome, and for errors the condition and text. */
export function OperationResultView({ result }: { result: OperationResult | null }) {
  if (!result) return null;
  const ok = result.outcome === "result";
  return (
    <div className={`callout ${ok ? "callout-ok" : "callout-err"}`} role="status" aria-label="Last enable or disable result">
      <p>
        <strong>
          {result.operation} {ok ? "succeeded" : result.outcome === "timeout" ? "timed out" : "failed"}
        </strong>{" "}
        <span className="muted small">at {formatTime(result.at)}</span>
      </p>
      <p>{result.summary}</p>
      {result.error ? (
        <dl className="small">
          {result.error.condition ? (
            <>
              <dt>condition</dt>
              <dd className="mono">
                {result.error.type ? `${result.error.type}/` : ""}
                {result.error.condition}
              </dd>
            </>
          ) : null}
          {result.error.text ? (
            <>
              <dt>text</dt>
              <dd>{result.error.text}</dd>
            </>
          ) : null}
          <dt>detail</dt>
          <dd>{result.error.message}</dd>
        </dl>
      ) : null}
    </div>
  );
}
