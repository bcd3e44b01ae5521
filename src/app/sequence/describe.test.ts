import { buildSequence } from "./build";
import { describeParticipant, describeRow } from "./describe";
import { LANES, walkThrough } from "./test-events";

describe("accessible names", () => {
  const w = walkThrough();
  const model = buildSequence(w.events, { lanes: LANES });
  const describe_ = (eventId: string) => describeRow(model.participants, model.rows[model.rowOfEvent.get(eventId)!]!);

  it("names an arrow by its two lanes, its label and its verdict", () => {
    expect(describe_(w.ids.pushed)).toBe(
      "bob → localhost: chat “Dinner at eight?”; pushed: all 1 receiving resources are away and registration n-3f9a has away=true [spec/all-away]",
    );
    expect(describe_(w.ids.push)).toBe("localhost → pushsvc/sink: push: publish node n-3f9a, count 1, “Dinner at eight?”");
  });

  it("names notes by their lane and folded rows by their count", () => {
    expect(describe_(w.ids.laptopGone)).toBe("note on alice/laptop: disconnected");
    expect(describe_(w.events[0]!.id)).toBe("5 stream events: 5 connection steps (folded: 5 events)");
  });

  it("names a lane with its role", () => {
    expect(model.participants.map(describeParticipant)).toEqual([
      "bob (sender)",
      "localhost (XMPP server)",
      "alice/phone (account resource)",
      "alice/laptop (account resource)",
      "pushsvc/sink (App Server)",
    ]);
  });
});
