import { useStore } from "zustand";
import type { DemoPlayer } from "../../demos/player";
import type { ShareService } from "../../share/service";
import { useShareServices } from "../../share/share-context";
import { lazyView } from "../shared/lazy-view";

// Both show only once a link is opened or a demo is started, so neither is part of the first load.
const SetupBannerView = lazyView("the share link's banner", () => import("./SetupBanner").then((m) => m.SetupBanner));
const DemoOverlayView = lazyView("the guided demo", () => import("../demos/DemoOverlay").then((m) => m.DemoOverlay));

function Layer({ share, demos }: { share: ShareService; demos: DemoPlayer }) {
  const opened = useStore(share.store, (s) => s.opened.status !== "none");
  // The overlay also says why a demo could not start (a failure with no demo picked).
  const demoShown = useStore(demos.store, (s) => s.demoId !== null || (s.phase === "failed" && s.error !== null));
  return (
    <>
      {opened ? <SetupBannerView share={share} demos={demos} /> : null}
      {demoShown ? <DemoOverlayView player={demos} /> : null}
    </>
  );
}

/** The opened link's banner under the header, and a running demo's caption overlay. */
export function ShareLayer() {
  const services = useShareServices();
  if (!services) return null;
  return <Layer share={services.share} demos={services.demos} />;
}
