import { describe, expect, it } from "vitest";
import { session } from "../../test-support/render";
import { reachability } from "./reachability";

describe("reachability", () => {
  it("is 'not connected' for a session that is not online", () => {
    expect(reachability(session({ id: "r", status: "offline" }))).toEqual({ label: "not connected", tone: "idle", why: "The session is not connected." });
  });

  it("says why a connected session does not receive: no presence, unavailable, or a negative priority", () => {
    const none = reachability(session({ id: "r", receiving: false, presenceChoice: null }));
    expect(none).toMatchObject({ label: "not receiving", tone: "warn" });
    expect(none.why).toMatch(/^Connected, but no presence sent yet/);
    expect(reachability(session({ id: "r", receiving: false, presenceChoice: "unavailable" })).why).toMatch(/^Sent unavailable presence/);
    expect(reachability(session({ id: "r", receiving: false, presenceChoice: "chat", priority: -1 })).why).toMatch(/^Negative priority \(-1\)/);
  });

  it("is 'away' for a receiving session with an away show, else 'online'", () => {
    expect(reachability(session({ id: "r", receiving: true, away: true }))).toMatchObject({ label: "away", tone: "info" });
    expect(reachability(session({ id: "r", receiving: true, away: false }))).toMatchObject({ label: "online", tone: "ok" });
  });
});
