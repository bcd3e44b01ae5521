import { useState } from "react";
import { DEMOS } from "../../demos/presets";
import { useShareServices } from "../../share/share-context";
import { Modal } from "./Modal";
import { ShareDialog } from "./ShareDialog";

/** The header's Share and Demos buttons and the dialogs they open (nothing without the share services). */
export function ShareControls() {
  const services = useShareServices();
  const [open, setOpen] = useState<"share" | "demos" | null>(null);
  if (!services) return null;
  const { share, demos } = services;
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => setOpen("share")} title="A link or a JSON file that sets this playground up again">
        Share
      </button>
      <button type="button" className="btn btn-small" onClick={() => setOpen("demos")} title="One-click guided demos of the classic cases, with captions">
        Demos
      </button>
      {open === "share" ? <ShareDialog share={share} pageUrl={location.href} onClose={() => setOpen(null)} /> : null}
      {open === "demos" ? (
        <Modal title="Guided demos" onClose={() => setOpen(null)}>
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
                    setOpen(null);
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
      ) : null}
    </>
  );
}
