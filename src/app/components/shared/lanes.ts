import { useMemo } from "react";
import { FIXED_LANES, PLAYGROUND_LANE, SCENARIO_LANE, SENDER_LANE, SERVER_LANE, SINK_LANE, type LaneId } from "../../model";
import { PLAYGROUND_COLOUR, SENDER_COLOUR, SINK_COLOUR } from "../../stores/palette";
import { useOutsideStore, useSessionsStore } from "../../stores/hooks";
import { OUTSIDE_COLOUR } from "../../stores/outside";

export interface LaneInfo {
  id: LaneId;
  label: string;
  colour: string;
}

/** Not a session: the reference server's decisions. A neutral teal, apart from the resource palette. */
const SERVER_COLOUR = "#0E7C86";
/** The Scenarios panel's harness clients: a muted violet, apart from sessions and the server log. */
const SCENARIO_COLOUR = "#7A5AA8";

const FIXED: Record<string, LaneInfo> = {
  [SENDER_LANE]: { id: SENDER_LANE, label: "sender", colour: SENDER_COLOUR },
  [SINK_LANE]: { id: SINK_LANE, label: "sink", colour: SINK_COLOUR },
  [SERVER_LANE]: { id: SERVER_LANE, label: FIXED_LANES[SERVER_LANE] ?? "server log", colour: SERVER_COLOUR },
  [PLAYGROUND_LANE]: { id: PLAYGROUND_LANE, label: FIXED_LANES[PLAYGROUND_LANE] ?? "playground", colour: PLAYGROUND_COLOUR },
  [SCENARIO_LANE]: { id: SCENARIO_LANE, label: FIXED_LANES[SCENARIO_LANE] ?? "scenarios", colour: SCENARIO_COLOUR },
};

/**
 * Label and colour of every lane: live sessions first, then the fixed lanes, then the sessions the
 * playground did not open (issue 12's outside lanes). Lanes of removed
 * resources (or of an imported file) fall back to their id, so old events still render.
 */
export function useLanes(): { list: LaneInfo[]; get: (id: LaneId) => LaneInfo } {
  // Only labels and colours: a session's other changes (status, counters) keep the same lanes, so
  // rows and menus that take them do not re-render per message.
  const signature = useSessionsStore((s) => s.order.map((id) => `${id}\u0000${s.sessions[id]?.label ?? ""}\u0000${s.sessions[id]?.colour ?? ""}`).join("\u0001"));
  const outsideSignature = useOutsideStore((s) => s.order.map((id) => `${id}\u0000${s.sessions[id]?.label ?? ""}`).join("\u0001"));
  return useMemo(() => {
    const map = new Map<LaneId, LaneInfo>();
    for (const entry of signature ? signature.split("\u0001") : []) {
      const [id, label, colour] = entry.split("\u0000") as [LaneId, string, string];
      if (label) map.set(id, { id, label, colour });
    }
    for (const [id, info] of Object.entries(FIXED)) if (!map.has(id)) map.set(id, info);
    for (const entry of outsideSignature ? outsideSignature.split("\u0001") : []) {
      const [id, label] = entry.split("\u0000") as [LaneId, string];
      if (label && !map.has(id)) map.set(id, { id, label, colour: OUTSIDE_COLOUR });
    }
    const list = [...map.values()];
    return {
      list,
      get: (id: LaneId) => {
        let info = map.get(id);
        if (!info) {
          info = { id, label: id, colour: "#8c959f" };
          map.set(id, info);
        }
        return info;
      },
    };
  }, [signature, outsideSignature]);
}
