import { useState } from "react";
import { useShareServices } from "../../share/share-context";
import { lazyView } from "../shared/lazy-view";

// Opened on demand, so neither is part of the first load (issue 14's budget).
const ShareDialogView = lazyView("the Share dialog", () => import("./ShareDialog").then((m) => m.ShareDialog));
const DemosMenuView = lazyView("the guided demos", () => import("./DemosMenu").then((m) => m.DemosMenu));

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
      {open === "share" ? <ShareDialogView share={share} pageUrl={location.href} onClose={() => setOpen(null)} /> : null}
      {open === "demos" ? <DemosMenuView demos={demos} share={share} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
