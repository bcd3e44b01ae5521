/**
 * What the playground does when it notices that the server restarted (the decision log now comes
 * from another run, see server-log.ts): says so on the timeline and stops showing the old run's
 * state as if it still held. Registrations are marked gone (with the reason) rather than dropped,
 * so what was captured before stays readable; disco is asked again, since a restarted server may
 * offer other features. Timeline events are never touched.
 */
import { SERVER_LANE } from "../model";
import type { ServiceContext } from "./context";
import type { LaneRegistry } from "./lane-registry";

export const RESTART_NOTE = "the server restarted: its registrations are gone (enable again to register with it)";

export interface ServerRestartDeps {
  registry: Pick<LaneRegistry, "resourceViews" | "patchView">;
  /** Run disco#info again, from an online resource now or from the next one to come online. */
  rerunDisco(): void;
}

export function createServerRestartHandler(ctx: ServiceContext, deps: ServerRestartDeps): () => void {
  const { stores, recorder, clock } = ctx;
  return function serverRestarted(): void {
    const registrations = stores.registrations.getState();
    const held = registrations.registrations.filter((r) => r.state === "active" || r.state === "remote-disabled");
    for (const r of held) registrations.setState(r.jid, r.node, "removed-by-server", RESTART_NOTE);
    // A session the old run kept for resumption is gone with it.
    for (const v of deps.registry.resourceViews()) {
      if (v.sm?.state === "hibernated") deps.registry.patchView(v.id, { sm: { ...v.sm, state: "expired", since: clock.now(), note: "the server restarted: the session it kept is gone" } });
    }
    const gone = held.length === 1 ? "1 registration" : `${held.length} registrations`;
    recorder.record({
      kind: "connection",
      lane: SERVER_LANE,
      status: "online",
      summary: `the server restarted (its decision log started over): its sessions and ${gone} are gone; the playground now reads the new server's log`,
    });
    stores.disco.getState().clear();
    deps.rerunDisco();
  };
}
