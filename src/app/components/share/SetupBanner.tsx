import { useState } from "react";
import { useStore } from "zustand";
import type { DemoPlayer } from "../../demos/player-state";
import { demoOnScreenReason } from "../../share/exclusive";
import type { ApplyTarget, ShareService } from "../../share/service";
import { describeSetup } from "../../share/setup";

/**
 * Shown when the page was opened with a share link (or a setup file was imported): what the setup
 * does and where to replay it, the replay's progress, or, for a damaged link or file, the specific
 * reason it cannot be used. Every name in it is rendered as text. While a guided demo is on screen
 * the replay waits (the two would trample each other): the banner says so and offers to end it.
 */
export function SetupBanner({ share, demos }: { share: ShareService; demos: DemoPlayer }) {
  const opened = useStore(share.store, (s) => s.opened);
  const replay = useStore(share.store, (s) => s.replay);
  // Read through the store so the banner follows the demo starting and ending.
  const demoShown = useStore(demos.store, (s) => s.demoId !== null);
  const blockedBy = demoShown ? demoOnScreenReason(demos) : null;
  const targets = share.targets();
  const [target, setTarget] = useState<ApplyTarget>("connected");
  const from = (source: "link" | "file") => (source === "link" ? "share link" : "setup file");

  if (opened.status === "none") return null;
  if (opened.status === "reading") {
    return (
      <section className="setup-banner callout" aria-label="Share link" role="status">
        Reading the share link…
      </section>
    );
  }
  if (opened.status === "invalid") {
    return (
      <section className="setup-banner callout callout-err" aria-label={`Damaged ${from(opened.source)}`}>
        <p role="alert">
          <strong>This {from(opened.source)} is damaged:</strong> {opened.error}
        </p>
        <p className="small">The playground is unchanged. Ask for the link again, or export the setup as a JSON file and import that.</p>
        <button type="button" className="btn btn-small" onClick={() => share.dismiss()}>
          Dismiss
        </button>
      </section>
    );
  }
  const running = replay.status === "running";
  const chosen = targets.find((t) => t.id === target);
  return (
    <section className="setup-banner callout" aria-label={`Setup from a ${from(opened.source)}`}>
      <p>
        <strong>This {from(opened.source)} sets up{opened.setup.title ? ` “${opened.setup.title}”` : ""}:</strong>
      </p>
      <ul className="share-lines">
        {describeSetup(opened.setup).map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <fieldset className="row setup-targets" disabled={running}>
        <legend className="small">Replay it</legend>
        {targets.map((t) => (
          <label key={t.id} className="field-check" title={t.note}>
            <input type="radio" name="setup-target" value={t.id} checked={target === t.id} disabled={!t.available} onChange={() => setTarget(t.id)} />
            {t.label}
            {!t.available ? <span className="small muted"> ({t.note})</span> : null}
          </label>
        ))}
      </fieldset>
      {chosen?.available ? <p className="small muted">{chosen.note}. It replaces the current resources and disables the account's earlier registrations to the sink.</p> : null}
      {blockedBy ? (
        <p className="callout small" role="status">
          Not now: {blockedBy}.{" "}
          <button type="button" className="btn btn-small" onClick={() => demos.stop()}>
            End the demo
          </button>
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={running || !chosen?.available || blockedBy !== null} onClick={() => void share.apply(target)}>
          Apply and send the messages
        </button>
        <button type="button" className="btn" disabled={running || !chosen?.available || blockedBy !== null} onClick={() => void share.apply(target, { play: false })}>
          Apply without sending
        </button>
        <button type="button" className="btn" disabled={running} onClick={() => share.dismiss()}>
          Dismiss
        </button>
      </div>
      {replay.status !== "idle" ? (
        <div className="setup-progress" aria-label="Replay progress">
          <ol className="small">
            {replay.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
          <p role="status" className={replay.status === "failed" ? "field-error" : "small"}>
            {replay.status === "running" ? "Replaying…" : replay.status === "done" ? `Done: ${replay.message}.` : `The replay stopped: ${replay.message}`}
          </p>
        </div>
      ) : null}
    </section>
  );
}
