import { useLayoutEffect } from "react";
import { describeScenarios } from "../../../scenarios/catalogue";
import { usePlayground } from "../../playground-context";
import { useScenarioRunner } from "../../scenarios/runner-context";
import { useProfileStore, useScenariosStore } from "../../stores/hooks";
import { ScenariosControls } from "./ScenariosControls";
import { ScenariosProgress } from "./ScenariosProgress";
import { ScenariosTable } from "./ScenariosTable";
import "../../styles/scenarios.css";

/**
 * The §C conformance scenarios against the profile's server: pick some or all, run them (the
 * harness logs in with its own clients and fresh resources), watch progress, read each verdict
 * with what was expected and observed, jump to the scenario's events on the timeline, export.
 * The shell shows it full-width (`wide`); "Show side panels" brings the other columns back.
 */
export function ScenariosPanel({ onShowTimeline, wide, onWideChange }: { onShowTimeline?: () => void; wide?: boolean; onWideChange?: (wide: boolean) => void }) {
  const runner = useScenarioRunner();
  const playground = usePlayground();
  const scenarioCount = useScenariosStore((s) => s.catalogue.length);
  const profile = useProfileStore((s) => s.profile);
  // The catalogue comes with this panel's chunk; the store holds it from the first time it is shown.
  useLayoutEffect(() => playground.ensureScenarioCatalogue(describeScenarios), [playground]);

  const showInTimeline = (eventId: string) => {
    // The run's events go through the runner's queue first (the playground's recorder, or the
    // lazy runner's before its code has loaded).
    runner.flush();
    playground.timeline.showEvent(eventId);
    onShowTimeline?.();
  };

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
        Runs the {scenarioCount} conformance scenarios against <code>{profile.service}</code> (domain <code>{profile.domain}</code>) as{" "}
        <code>{profile.account.username}</code>, <code>{profile.sender.username}</code> and <code>{profile.sink.username}</code> from the Connection tab.
        The run logs in with its own clients and fresh resources; your playground sessions are left alone. Scenarios that need a feature
        the server does not advertise are reported as n/a.
      </p>
      <ScenariosControls />
      <ScenariosProgress />
      <ScenariosTable onShowInTimeline={showInTimeline} />
    </section>
  );
}
