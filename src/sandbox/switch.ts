/**
 * "Replay on the sandbox server" (the share feature's target): start the in-page server, then point
 * the profile at it. Says why when the Worker cannot start (e.g. a Content-Security-Policy that
 * forbids workers), and changes nothing then.
 */
import type { ActionResult } from "../app/playground-api";
import { SANDBOX_SERVICE } from "./protocol";
import { pageSandbox } from "./sandbox-client";

export interface SwitchDeps {
  setService: (service: string) => void;
  /** Resolves once the sandbox server answers (default: a decision log request to the page's Worker). */
  start?: () => Promise<unknown>;
}

export function createSwitchToSandbox(deps: SwitchDeps): () => Promise<ActionResult> {
  const start = deps.start ?? (() => pageSandbox().queryLog("limit=1"));
  return async () => {
    try {
      await start();
    } catch (err) {
      return { ok: false, error: { code: "internal", message: `could not start the sandbox server: ${err instanceof Error ? err.message : String(err)}` } };
    }
    deps.setService(SANDBOX_SERVICE);
    return { ok: true, value: undefined };
  };
}
