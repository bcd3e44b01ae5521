/**
 * The step queue behind the harness's fluent chain: every step method enqueues a step; `await`
 * on the harness waits for `settled()`. A failing step rejects that wait and skips the steps
 * queued behind it; steps queued after the rejection run again.
 */
import type { HarnessEvent, StepRecord } from "../types";
import { errorMessage } from "./errors";

export interface StepReporter {
  emit(event: HarnessEvent): void;
  recordError(message: string): void;
}

export class StepQueue {
  readonly steps: StepRecord[] = [];
  private queue: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  private closed = false;

  constructor(private readonly reporter: StepReporter) {}

  /** Queues a step; `run` may return a detail line for the step record. */
  enqueue(kind: string, summary: string, run: () => Promise<string | void>): void {
    const record: StepRecord = { index: this.steps.length, kind, summary, status: "pending" };
    this.steps.push(record);
    this.queue = this.queue.then(() => this.runStep(record, run));
  }

  /** Resolves once what is queued now has run; rejects with the first failure since the last `settled()`. */
  settled(): Promise<void> {
    return this.queue.then(() => {
      const failure = this.failure;
      this.failure = null;
      if (failure) throw failure.error;
    });
  }

  /** Waits for what is queued (errors already recorded); steps queued later are skipped. */
  async finish(): Promise<void> {
    await this.queue;
    this.closed = true;
  }

  private async runStep(record: StepRecord, run: () => Promise<string | void>): Promise<void> {
    if (this.failure || this.closed) {
      record.status = "skipped";
      this.reporter.emit({ type: "step", step: { ...record } });
      return;
    }
    record.startedAt = Date.now();
    try {
      const detail = await run();
      if (detail) record.detail = detail;
      record.status = "ok";
    } catch (error) {
      record.status = "failed";
      record.error = errorMessage(error);
      this.reporter.recordError(`step ${record.index} (${record.summary}): ${record.error}`);
      this.failure = { error };
    }
    record.endedAt = Date.now();
    this.reporter.emit({ type: "step", step: { ...record } });
  }
}
