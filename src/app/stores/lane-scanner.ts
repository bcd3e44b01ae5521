import type { LaneId } from "../model";

/**
 * The lanes a list of events uses, in order of first use, kept up to date in O(new events): when
 * the next list extends the last one scanned (the live timeline appends), only the new tail is
 * read. The returned array keeps its identity until a new lane appears, so a selector over it
 * re-renders nothing on ordinary appends.
 */
export function createLaneScanner(): (events: readonly { lane: LaneId }[]) => readonly LaneId[] {
  let first: { lane: LaneId } | undefined;
  let last: { lane: LaneId } | undefined;
  let scanned = 0;
  let seen = new Set<LaneId>();
  let lanes: LaneId[] = [];
  return (events) => {
    const extendsLast = scanned > 0 && events.length >= scanned && events[0] === first && events[scanned - 1] === last;
    if (!extendsLast) {
      scanned = 0;
      seen = new Set();
      if (lanes.length) lanes = [];
    }
    let added: LaneId[] | null = null;
    for (let i = scanned; i < events.length; i++) {
      const lane = events[i]!.lane;
      if (!seen.has(lane)) {
        seen.add(lane);
        (added ??= []).push(lane);
      }
    }
    if (added) lanes = lanes.concat(added);
    scanned = events.length;
    first = events[0];
    last = events[scanned - 1];
    return lanes;
  };
}
