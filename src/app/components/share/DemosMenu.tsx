import { useStore } from "zustand";
import type { DemoPlayer } from "../../demos/player";
import { DEMOS } from "../../demos/presets";
import { replayRunningReason } from "../../share/exclusive";
import type { ShareService } from "../../share/service";
import { Modal } from "./Modal";

/** The guided demos to pick from (its own chunk: opened on demand); none starts while a setup replay runs. */
export function DemosMenu({ demos, share, onClose }: { demos: DemoPlayer; share: ShareService; onClose: () => void }) {
  const replaying = useStore(share.store, (s) => s.replay.status === "running");
  const blockedBy = replaying ? replayRunningReason(share) : null;
  return (
    <Modal title="Guided demos" onClose={onClose}>
      <p className="small muted">
        Each demo sets the playground up (it replaces the current resources and may switch the virtual host, e.g. to prosody.localhost), then plays the case step by step with a caption per step, waiting for the server's real decision. Space pauses, ← → step, Esc ends.
      </p>
      {blockedBy ? (
        <p className="callout small" role="status">
          Not now: {blockedBy}.
        </p>
      ) : null}
      <ul className="demo-list">
        {DEMOS.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              className="btn demo-pick"
              disabled={blockedBy !== null}
              onClick={() => {
                onClose();
                void demos.start(d.id);
              }}
            >
              <strong>{d.title}</strong>
              <span className="small muted">{d.summary}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
