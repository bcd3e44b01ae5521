import type { DemoPlayer } from "../../demos/player";
import { DEMOS } from "../../demos/presets";
import { Modal } from "./Modal";

/** The guided demos to pick from (its own chunk: opened on demand). */
export function DemosMenu({ demos, onClose }: { demos: DemoPlayer; onClose: () => void }) {
  return (
    <Modal title="Guided demos" onClose={onClose}>
      <p className="small muted">
        Each demo sets the playground up (it replaces the current resources and may switch the virtual host, e.g. to prosody.localhost), then plays the case step by step with a caption per step, waiting for the server's real decision. Space pauses, ← → step, Esc ends.
      </p>
      <ul className="demo-list">
        {DEMOS.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              className="btn demo-pick"
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
