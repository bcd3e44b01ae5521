/**
 * Everything the harness observed, in arrival order, plus the cursors that say what an
 * expectation or a probe has already consumed. The only writer of the records a harness exposes;
 * every record also goes out as a live event.
 */
import type {
  HarnessEvent,
  IqOutcome,
  ObservedDelivery,
  ObservedPresence,
  ObservedPublish,
  ProbeRecord,
  SentMessage,
} from "../types";
import { Signal } from "../wait";
import { errorMessage } from "./errors";

export class ObservationLog {
  readonly publishes: ObservedPublish[] = [];
  readonly deliveries: ObservedDelivery[] = [];
  readonly presences: ObservedPresence[] = [];
  readonly iqs: IqOutcome[] = [];
  readonly probes: ProbeRecord[] = [];
  readonly sent: SentMessage[] = [];
  readonly errors: string[] = [];
  /** Wakes the waits of expectations and probes when a publish or a delivery arrives. */
  readonly activity = new Signal();
  private publishCursor = 0;
  private deliveryCursor = 0;
  private sentCursor = 0;
  private deliverySeq = 0;

  constructor(private readonly onEvent?: (event: HarnessEvent) => void) {}

  emit(event: HarnessEvent): void {
    try {
      this.onEvent?.(event);
    } catch (error) {
      // A broken listener must not break the run; keep the trace.
      this.errors.push(`event listener threw: ${errorMessage(error)}`);
    }
  }

  recordError(message: string): void {
    this.errors.push(message);
    this.emit({ type: "error", message });
  }

  addPublish(publish: ObservedPublish): void {
    this.publishes.push(publish);
    this.emit({ type: "publish", publish });
    this.activity.notify();
  }

  /** Files a delivery, numbering it in arrival order. */
  addDelivery(delivery: Omit<ObservedDelivery, "seq">): void {
    const record: ObservedDelivery = { seq: ++this.deliverySeq, ...delivery };
    this.deliveries.push(record);
    this.emit({ type: "delivery", delivery: record });
    this.activity.notify();
  }

  addPresence(presence: ObservedPresence): void {
    this.presences.push(presence);
  }

  addIq(outcome: IqOutcome): void {
    this.iqs.push(outcome);
    this.emit({ type: "iq", iq: { ...outcome } });
  }

  addSent(message: SentMessage): void {
    this.sent.push(message);
  }

  /** Publishes not yet consumed by an expectation or a probe. */
  pendingPublishes(): ObservedPublish[] {
    return this.publishes.slice(this.publishCursor);
  }

  /** Marks every publish so far as consumed and returns the ones that were pending. */
  consumePublishes(): ObservedPublish[] {
    const pending = this.pendingPublishes();
    this.publishCursor = this.publishes.length;
    return pending;
  }

  /** When the latest unconsumed publish or delivery arrived (0 when none is pending). */
  lastActivityAt(): number {
    const lastPublish = this.publishes.length > this.publishCursor ? (this.publishes.at(-1)?.at ?? 0) : 0;
    const lastDelivery = this.deliveries.length > this.deliveryCursor ? (this.deliveries.at(-1)?.at ?? 0) : 0;
    return Math.max(lastPublish, lastDelivery);
  }

  /** Forget what arrived so far: later expectations and probes see only what comes after. */
  advanceCursors(): void {
    this.publishCursor = this.publishes.length;
    this.deliveryCursor = this.deliveries.length;
    this.sentCursor = this.sent.length;
  }

  /** Files everything since the previous probe (publishes, deliveries, sent messages) under `label`. */
  closeProbe(label: string, startedAt: number): ProbeRecord {
    const probe: ProbeRecord = {
      label,
      startedAt,
      endedAt: Date.now(),
      publishes: this.publishes.slice(this.publishCursor),
      deliveries: this.deliveries.slice(this.deliveryCursor),
      sent: this.sent.slice(this.sentCursor),
    };
    this.advanceCursors();
    this.probes.push(probe);
    this.emit({ type: "probe", probe });
    return probe;
  }
}
