import { describe, expect, it } from "vitest";
import { maskSaslFrame, stanzaKind } from "../../protocol/xml-format";
import type { ConsoleFrame } from "../model";
import { createConsoleStore, filterFrames } from "./console";

function frame(id: string, text: string, partial: Partial<ConsoleFrame> = {}): ConsoleFrame {
  return { id, at: 1, lane: "res-1", direction: "out", kind: stanzaKind(text), text: maskSaslFrame(text), ...partial };
}

describe("console store", () => {
  it("masks SASL PLAIN credentials in frames (as the session records them)", () => {
    const auth = frame("a", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHBhc3M=</auth>");
    expect(auth.kind).toBe("sasl");
    expect(auth.text).toBe("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>•••</auth>");
  });

  it("hides stream management by default and filters by direction, kind, lane and search", () => {
    const store = createConsoleStore();
    const frames = [
      frame("1", "<r xmlns='urn:xmpp:sm:3'/>"),
      frame("2", "<message to='alice@localhost'><body>Hello</body></message>"),
      frame("3", "<presence/>", { direction: "in", lane: "sink" }),
      frame("4", "<iq type='get' id='x'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"),
    ];
    store.getState().appendFrames(frames);
    const visible = () => filterFrames(store.getState().frames, store.getState().filters).map((f) => f.id);
    expect(visible()).toEqual(["2", "3", "4"]);
    store.getState().setHideSm(false);
    expect(visible()).toEqual(["1", "2", "3", "4"]);
    store.getState().setDirection("out", false);
    expect(visible()).toEqual(["3"]);
    store.getState().setDirection("out", true);
    store.getState().toggleKind("message");
    expect(visible()).toEqual(["1", "3", "4"]);
    store.getState().setKindFilter(null);
    store.getState().toggleLane("res-1", ["res-1", "sink"]);
    expect(visible()).toEqual(["3"]);
    store.getState().setLaneFilter(null);
    store.getState().setSearch("hello");
    expect(visible()).toEqual(["2"]);
  });

  it("pauses without losing frames, caps the buffer, and keeps a send history", () => {
    const store = createConsoleStore({ cap: 3 });
    store.getState().appendFrames([frame("1", "<a/>"), frame("2", "<b/>")]);
    store.getState().pause();
    store.getState().appendFrames([frame("3", "<c/>"), frame("4", "<d/>")]);
    expect(store.getState().frames.map((f) => f.id)).toEqual(["1", "2"]);
    store.getState().resume();
    expect(store.getState().frames.map((f) => f.id)).toEqual(["2", "3", "4"]);
    expect(store.getState().dropped).toBe(1);
    store.getState().rememberSent("<presence/>");
    store.getState().rememberSent("<iq/>");
    store.getState().rememberSent("<presence/>");
    expect(store.getState().sendHistory).toEqual(["<iq/>", "<presence/>"]);
    store.getState().clear();
    expect(store.getState().frames).toEqual([]);
  });
});
