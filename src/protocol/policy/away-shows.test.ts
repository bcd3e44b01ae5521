import { describe, expect, it } from "vitest";
import { isAway } from "../routing";
import { coerceAwayShows, DEFAULT_AWAY_SHOWS, parseAwayShows } from "./away-shows";
import { specPolicy } from "./spec";
import type { DecisionInput, SessionSnapshot } from "./types";
import { DEFAULT_POLICY_OPTIONS } from "./types";

describe("away shows as an operator writes them", () => {
  it("parses a comma list in any case and order, without duplicates", () => {
    expect(parseAwayShows("dnd, AWAY,xa,away")).toEqual({ ok: true, shows: ["away", "xa", "dnd"] });
    expect(DEFAULT_AWAY_SHOWS).toEqual(["away", "xa"]);
  });

  it("names the bad value, and refuses an empty list", () => {
    expect(parseAwayShows("away,busy")).toEqual({ ok: false, error: '"busy" is not a <show> value (choose from chat, away, xa, dnd)' });
    expect(parseAwayShows(" , ")).toEqual({ ok: false, error: "give at least one <show> value (chat, away, xa, dnd)" });
  });

  it("coerces stored values or gives null", () => {
    expect(coerceAwayShows(["dnd", "away"])).toEqual(["away", "dnd"]);
    expect(coerceAwayShows(["dnd", 3])).toBeNull();
    expect(coerceAwayShows([])).toBeNull();
    expect(coerceAwayShows("away")).toBeNull();
  });
});

describe("dnd as away, through the policy options", () => {
  const dnd: SessionSnapshot = { sessionId: "s1", resource: "phone", state: "connected", presence: { show: "dnd", priority: 0 }, presenceCount: 1 };
  const input = (awayShows: DecisionInput["options"]["awayShows"]): DecisionInput => ({
    account: "alice@localhost",
    sessions: [dnd],
    registrations: [{ jid: "pushsvc@localhost/sink", node: "n1", away: true, enabledBySessionId: "s1", enabledByResource: "phone", publishOptions: null, errorCount: 0 }],
    message: { type: "chat", hasBody: true, body: "hi", from: "bob@localhost/x", toResource: null },
    delivery: { deliveredTo: ["phone"], storedOffline: false },
    options: { ...DEFAULT_POLICY_OPTIONS, awayShows },
    pushedSinceOnline: 0,
    offlineCount: 0,
  });

  it("a dnd session is online by default and away with --away-shows away,xa,dnd", () => {
    const withDnd = parseAwayShows("away,xa,dnd");
    if (!withDnd.ok) throw new Error(withDnd.error);
    expect(isAway(dnd, { awayShows: DEFAULT_AWAY_SHOWS })).toBe(false);
    expect(isAway(dnd, { awayShows: withDnd.shows })).toBe(true);
    expect(specPolicy.decide(input(DEFAULT_AWAY_SHOWS)).verdicts[0]!.push).toBe(false);
    expect(specPolicy.decide(input(withDnd.shows)).verdicts[0]!.push).toBe(true);
  });
});
