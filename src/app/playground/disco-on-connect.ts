/**
 * Runs disco#info (the account's bare JID, then the domain) as soon as the account's first
 * resource is online on a server, so the away toggle, the scenarios and the explanations know what
 * the server offers without the user pressing "Query account". It runs again after the server
 * (WebSocket URL or domain) or the account changes; results land in the disco store exactly as a
 * manual query's do, and failures are recorded on the timeline by the disco action, never thrown.
 */
import type { DiscoResult, DiscoTarget, LaneId } from "../model";
import type { ActionResult } from "../playground-api";
import type { ServiceContext } from "./context";

export interface DiscoOnConnectDeps {
  disco(target: DiscoTarget, fromResourceId: LaneId): Promise<ActionResult<DiscoResult>>;
  accountBare(): string;
}

export interface DiscoOnConnect {
  /** A resource of the account just came online (a fresh session, not a resumption). */
  resourceOnline(id: LaneId): void;
  /** The server restarted: run again at the next resource online (or now, from `onlineId`). */
  serverRestarted(onlineId: LaneId | null): void;
  /** Resolves when the queries started so far have answered (tests, dispose). */
  settled(): Promise<void>;
  dispose(): void;
}

export function createDiscoOnConnect(ctx: ServiceContext, deps: DiscoOnConnectDeps): DiscoOnConnect {
  const { stores } = ctx;
  /** Server and account of the last automatic run; null: run at the next connect. */
  let lastKey: string | null = null;
  let running: Promise<void> = Promise.resolve();

  const serverOf = () => {
    const p = stores.profile.getState().profile;
    return `${p.service.trim()}|${p.domain.trim().toLowerCase()}`;
  };

  // Another server's features would mislead the away toggle: forget them when the server changes.
  const unsubscribe = stores.profile.subscribe((state, previous) => {
    const a = state.profile;
    const b = previous.profile;
    if (a.service.trim() === b.service.trim() && a.domain.trim().toLowerCase() === b.domain.trim().toLowerCase()) return;
    lastKey = null;
    stores.disco.getState().clear();
  });

  async function run(id: LaneId): Promise<void> {
    // One after the other: the domain's answer is only the fallback for the account's.
    await deps.disco("account", id);
    await deps.disco("domain", id);
  }

  return {
    resourceOnline(id) {
      const key = `${serverOf()}|${deps.accountBare()}`;
      if (key === lastKey) return;
      lastKey = key;
      running = running.then(() => run(id)).catch(() => undefined);
    },
    serverRestarted(onlineId) {
      lastKey = null;
      if (onlineId !== null) this.resourceOnline(onlineId);
    },
    settled: () => running,
    dispose: unsubscribe,
  };
}
