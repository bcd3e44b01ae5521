import { useStore } from "zustand";
import { hostingStore } from "../../../sandbox/hosting";
import { isSandboxService } from "../../../sandbox/protocol";
import { useProfileStore } from "../../stores/hooks";

/** Says, while it is true, that this page has no reference server and runs its own in a Worker. */
export function SandboxBanner() {
  const hosting = useStore(hostingStore, (s) => s.hosting);
  const onSandbox = useProfileStore((s) => isSandboxService(s.profile.service));
  // Always a slot in the shell's grid (an empty row when there is nothing to say).
  if (hosting !== "static") return <div className="sandbox-banner-slot" />;
  return (
    <div className="callout sandbox-banner" role="status" aria-label="Sandbox server">
      {onSandbox ? (
        <>
          <strong>Sandbox server in this page.</strong> No reference server answers on this site, so the playground runs
          its own: the reference server's code in a Web Worker, with the four virtual hosts (localhost: spec,
          tigase.localhost, prosody.localhost, ejabberd.localhost) and dev registration. Nothing leaves your browser;
          reloading the page starts it empty.
        </>
      ) : (
        <>
          <strong>No reference server on this site.</strong> Choose “Sandbox server in this page” in the Connection tab to
          run one in this page, or keep your own WebSocket URL.
        </>
      )}
    </div>
  );
}
