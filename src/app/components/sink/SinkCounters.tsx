import { usePlayground } from "../../playground-context";
import { useSinkStore } from "../../stores/hooks";
import { formatTime } from "../shared/format";

/** What the sink has received and how it answered, with "Reset counters". */
export function SinkCounters() {
  const playground = usePlayground();
  const counters = useSinkStore((s) => s.counters);
  const lastPushAt = useSinkStore((s) => s.lastPushAt);
  return (
    <section className="section" aria-label="Sink counters">
      <h3>Received</h3>
      <dl className="counters">
        <div>
          <dt>publishes</dt>
          <dd>{counters.received}</dd>
        </div>
        <div>
          <dt>answered result</dt>
          <dd>{counters.answeredResult}</dd>
        </div>
        <div>
          <dt>answered error</dt>
          <dd>{counters.answeredError}</dd>
        </div>
        <div>
          <dt>left unanswered</dt>
          <dd>{counters.unanswered}</dd>
        </div>
        <div>
          <dt>malformed</dt>
          <dd>{counters.malformed}</dd>
        </div>
      </dl>
      <p className="small muted">{lastPushAt ? `Last publish at ${formatTime(lastPushAt)}.` : "No publish received yet."}</p>
      <button type="button" className="btn btn-small" onClick={() => playground.resetSinkCounters()}>
        Reset counters
      </button>
    </section>
  );
}
