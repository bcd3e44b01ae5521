/**
 * Outside sessions (issue 12) are seen only through what connected sessions receive (the server's
 * log, others' presence), so their code loads with the XMPP session's code (session-lanes.ts), not
 * with the first screen. Calls made before it is there wait, in order, and run once it is.
 */
import type { ServiceContext } from "./context";
import type { OutsideSessions, OutsideSessionsDeps } from "./outside-sessions";

type OutsideModule = typeof import("./outside-sessions");

let loaded: OutsideModule | null = null;

export async function loadOutsideSessions(): Promise<OutsideModule> {
  loaded ??= await import("./outside-sessions");
  return loaded;
}

export function createLazyOutsideSessions(ctx: ServiceContext, deps: OutsideSessionsDeps): OutsideSessions {
  let real: OutsideSessions | null = null;
  const waiting: ((outside: OutsideSessions) => void)[] = [];

  function instance(): OutsideSessions | null {
    if (!real && loaded) {
      real = loaded.createOutsideSessions(ctx, deps);
      for (const call of waiting.splice(0)) call(real);
    }
    return real;
  }

  function call(run: (outside: OutsideSessions) => void): void {
    const outside = instance();
    if (outside) {
      run(outside);
      return;
    }
    waiting.push(run);
    // A failed download leaves the calls waiting; the next call tries again.
    loadOutsideSessions().then(instance, () => undefined);
  }

  return {
    logEntry: (entry, at) => call((o) => o.logEntry(entry, at)),
    presenceReceived: (element, at) => call((o) => o.presenceReceived(element, at)),
    serverRestarted: (at) => call((o) => o.serverRestarted(at)),
  };
}
