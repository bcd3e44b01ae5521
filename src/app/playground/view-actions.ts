/**
 * The store changes the views ask for, as service actions: views read the stores and call these;
 * they never write a store a service owns.
 */
import type { PolicyName } from "../../protocol/policy/types";
import type { ScenarioInfo } from "../../scenarios/expectations";
import type { LaneId } from "../model";
import { importTimelineFile } from "../workers/import-timeline";
import type { Stores } from "../stores";
import type { ExportResult, ImportResult } from "../stores/timeline";

export interface TimelineActions {
  select(id: string | null): void;
  /**
   * Show one event: what is queued is recorded first, then the live view with no lane, kind or
   * search filter hiding it, the event selected.
   */
  showEvent(id: string): void;
  /**
   * The live session as a JSON file's content, written without blocking the page; it holds the
   * events captured up to the call. Never rejects.
   */
  exportJson(): Promise<ExportResult>;
  /** Validate and load a file's text into the read-only imported view (on this thread). Never rejects. */
  importJson(text: string, source?: string): Promise<ImportResult>;
  /** Read, validate and load a file off the main thread (a Web Worker), showing it as it streams in. Never rejects. */
  importFile(file: File): Promise<ImportResult>;
  closeImport(): void;
}

export interface ExpectationActions {
  /** Returns what was set (rounded, clamped), or null for a non-number. */
  setWindowMs(ms: number): number | null;
  pin(policy: PolicyName | null): void;
  /** Forget every record and the score. */
  reset(): void;
}

export interface ViewActions {
  timeline: TimelineActions;
  expectations: ExpectationActions;
  /** The raw XML composer's history (kept even when the text is not sent). */
  rememberSent(text: string): void;
  setResourceColour(id: LaneId, colour: string): void;
  resetSinkCounters(): void;
  /** Forget registrations that are no longer active. */
  pruneInactiveRegistrations(): void;
  /** Empty the XML console, frames still queued included (capture goes on). */
  clearConsole(): void;
  /**
   * Give the Scenarios panel its catalogue the first time it is shown. `describe` comes with the
   * panel's chunk, so the first load does not carry the catalogue.
   */
  ensureScenarioCatalogue(describe: () => ScenarioInfo[]): void;
}

export function createViewActions(stores: Stores, setColour: (id: LaneId, colour: string) => void, flush: () => void): ViewActions {
  return {
    timeline: {
      select: (id) => stores.timeline.getState().select(id),
      showEvent(id) {
        flush();
        const timeline = stores.timeline.getState();
        if (timeline.view !== "live") timeline.showView("live");
        timeline.setLaneFilter(null);
        timeline.setKindFilter(null);
        timeline.setSearch("");
        timeline.select(id);
      },
      exportJson: () => stores.timeline.getState().exportJson(),
      importJson: (text, source) => stores.timeline.getState().importJson(text, source),
      importFile: (file) => importTimelineFile(stores.timeline, file),
      closeImport: () => stores.timeline.getState().closeImport(),
    },
    expectations: {
      setWindowMs: (ms) => stores.expectations.getState().setWindowMs(ms),
      pin: (policy) => stores.expectations.getState().pin(policy),
      reset: () => stores.expectations.getState().reset(),
    },
    rememberSent: (text) => stores.console.getState().rememberSent(text),
    setResourceColour: setColour,
    resetSinkCounters: () => stores.sink.getState().resetCounters(),
    pruneInactiveRegistrations: () => stores.registrations.getState().pruneInactive(),
    clearConsole() {
      // Frames captured before the click but not yet flushed would otherwise appear after it.
      flush();
      stores.console.getState().clear();
    },
    ensureScenarioCatalogue(describe) {
      if (stores.scenarios.getState().catalogue.length === 0) stores.scenarios.getState().setCatalogue(describe());
    },
  };
}
