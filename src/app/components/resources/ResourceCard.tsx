import { usePlayground } from "../../playground-context";
import type { SessionView } from "../../stores/sessions";
import { describeError } from "../shared/format";
import { safeColour } from "../shared/LaneChip";
import { PresenceControls, PresenceOnConnect } from "./PresenceControls";
import { ResourceHead } from "./ResourceHead";
import { ResourceState } from "./ResourceState";
import { SmControls } from "./SmControls";
import { useResourceAction } from "./use-resource-action";

/** One resource of the account under test: connect it, watch its state, kill/resume it, send presence. */
export function ResourceCard({ session }: { session: SessionView }) {
  const playground = usePlayground();
  const action = useResourceAction(session);
  const { busy, error, run } = action;
  const transitioning = session.status === "connecting" || session.status === "disconnecting";

  return (
    <section
      className="resource-card"
      aria-label={`Resource ${session.resource}`}
      style={{ ["--lane-colour" as string]: safeColour(session.colour) }}
    >
      <ResourceHead session={session} action={action} />
      <ResourceState session={session} />
      <SmControls
        session={session}
        busy={busy || transitioning}
        onKill={() => void run(() => playground.killResource(session.id))}
        onResume={() => void run(() => playground.resumeResource(session.id))}
      />
      {session.lastError ? (
        <p className="callout callout-err small" role="alert">
          {describeError(session.lastError)}
        </p>
      ) : null}

      <PresenceControls session={session} action={action} />
      <PresenceOnConnect session={session} />
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
