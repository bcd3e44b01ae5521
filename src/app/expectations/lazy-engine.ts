/**
 * The expectation engine, the four policies and the account model its predictions replay are not
 * in the first load (issue 14): nothing reaches the engine before a session is online, so its
 * chunk comes with the XMPP session's code (session-lanes.ts `loadXmppSession`, preloaded when the
 * page is idle). Calls made before it is there wait, in order, and run once it is, as
 * outside-lazy.ts does for the outside sessions.
 */
import type { ExpectationEngine, ExpectationEngineOptions } from "./engine";

type EngineModule = typeof import("./engine");

let loaded: EngineModule | null = null;

export async function loadExpectationEngine(): Promise<EngineModule> {
  loaded ??= await import("./engine");
  return loaded;
}

export function createLazyExpectationEngine(options: ExpectationEngineOptions): ExpectationEngine {
  let real: ExpectationEngine | null = null;
  let disposed = false;
  const waiting: ((engine: ExpectationEngine) => void)[] = [];

  function instance(): ExpectationEngine | null {
    if (!real && loaded && !disposed) {
      real = loaded.createExpectationEngine(options);
      for (const call of waiting.splice(0)) call(real);
    }
    return real;
  }

  function call(run: (engine: ExpectationEngine) => void): void {
    if (disposed) return;
    const engine = instance();
    if (engine) {
      run(engine);
      return;
    }
    waiting.push(run);
    // A failed download leaves the calls waiting; the next call tries again.
    loadExpectationEngine().then(instance, () => undefined);
  }

  return {
    connectionOnline: (lane) => call((e) => e.connectionOnline(lane)),
    connectionResumed: (lane) => call((e) => e.connectionResumed(lane)),
    registrationEnabled: (key, lane) => call((e) => e.registrationEnabled(key, lane)),
    registrationDisabled: (jid, node, lane) => call((e) => e.registrationDisabled(jid, node, lane)),
    remoteDisabled: (key) => call((e) => e.remoteDisabled(key)),
    // A message leaves only from an online session, and a session comes online only once
    // loadXmppSession has loaded the engine too: the prediction is always made here, at send time.
    plan: (element, lane, fromJid) => instance()?.plan(element, lane, fromJid) ?? null,
    sent: (plan, eventId, at) => call((e) => e.sent(plan, eventId, at)),
    pushRecorded: (event, to) => call((e) => e.pushRecorded(event, to)),
    pushLinked: (pushEventId, causeMessageId, linkMethod) => call((e) => e.pushLinked(pushEventId, causeMessageId, linkMethod)),
    logEntry: (entry) => call((e) => e.logEntry(entry)),
    presenceSent: (lane, change, eventId, at) => call((e) => e.presenceSent(lane, change, eventId, at)),
    // A push reaches the sink only once sessions are online, so the engine is there (as for plan).
    predictedCause: (push) => instance()?.predictedCause(push) ?? null,
    flush: () => instance()?.flush(),
    dispose() {
      real?.dispose();
      disposed = true;
      waiting.length = 0;
    },
  };
}
