import { useShareServices } from "../../share/share-context";
import { DemoOverlay } from "../demos/DemoOverlay";
import { SetupBanner } from "./SetupBanner";

/** The opened link's banner under the header, and a running demo's caption overlay. */
export function ShareLayer() {
  const services = useShareServices();
  if (!services) return null;
  return (
    <>
      <SetupBanner share={services.share} />
      <DemoOverlay player={services.demos} />
    </>
  );
}
