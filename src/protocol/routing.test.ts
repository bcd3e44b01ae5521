import { describe, expect, it } from "vitest";
import { available, chat, hibernated, noPresence } from "./test-support/policy-fixtures";
import { DEFAULT_POLICY_OPTIONS, type Delivery, type MessageSnapshot, type MessageType, type SessionSnapshot } from "./policy/types";
import { isAway, isOnline, isReceiving, isRoutable, routeMessage } from "./routing";

const withDnd = { awayShows: ["away", "xa", "dnd"] as const };

describe("session vocabulary (docs/push-semantics.md §0.1)", () => {
  it.each([
    { label: "available, no <show>", session: available("a"), receiving: true, away: false, online: true },
    { label: "chat", session: available("a", "chat"), receiving: true, away: false, online: true },
    { label: "away", session: available("a", "away"), receiving: true, away: true, online: false },
    { label: "xa", session: available("a", "xa"), receiving: true, away: true, online: false },
    { label: "dnd (not away by default)", session: available("a", "dnd"), receiving: true, away: false, online: true },
    { label: "available at priority -1", session: available("a", null, -1), receiving: false, away: false, online: false },
    { label: "away at priority -5", session: available("a", "away", -5), receiving: false, away: false, online: false },
    { label: "connected without presence", session: noPresence("a"), receiving: false, away: false, online: false },
    { label: "hibernated, last presence available", session: hibernated("a"), receiving: false, away: false, online: false },
    { label: "hibernated, last presence away", session: hibernated("a", "away"), receiving: false, away: false, online: false },
  ])("$label → receiving=$receiving away=$away online=$online", ({ session, receiving, away, online }) => {
    expect(isReceiving(session)).toBe(receiving);
    expect(isAway(session, DEFAULT_POLICY_OPTIONS)).toBe(away);
    expect(isOnline(session, DEFAULT_POLICY_OPTIONS)).toBe(online);
  });

  it.each([
    { label: "available", session: available("a"), routable: true },
    { label: "negative priority", session: available("a", null, -1), routable: false },
    { label: "no presence", session: noPresence("a"), routable: false },
    { label: "hibernated with available presence", session: hibernated("a"), routable: true },
    { label: "hibernated with away presence", session: hibernated("a", "away"), routable: true },
    { label: "hibernated at negative priority", session: { ...available("a", null, -1), state: "hibernated" as const }, routable: false },
  ])("$label → routable=$routable (XEP-0198: the server queues for a hibernated session)", ({ session, routable }) => {
    expect(isRoutable(session)).toBe(routable);
  });

  it("counts dnd as away once the server option adds it", () => {
    expect(isAway(available("a", "dnd"), withDnd)).toBe(true);
    expect(isOnline(available("a", "dnd"), withDnd)).toBe(false);
  });
});

const MIXED: SessionSnapshot[] = [
  available("laptop"),
  available("phone", "away", 5),
  available("tablet", null, -1),
  noPresence("watch"),
  hibernated("car", "away"),
];
const NOBODY_RECEIVING: SessionSnapshot[] = [available("tablet", null, -1), noPresence("watch")];
const ONLY_HIBERNATED: SessionSnapshot[] = [hibernated("car"), noPresence("watch")];

const delivered = (...resources: string[]): Delivery => ({ deliveredTo: resources, storedOffline: false });
const OFFLINE: Delivery = { deliveredTo: [], storedOffline: true };
const DROPPED: Delivery = { deliveredTo: [], storedOffline: false };
const BOUNCED: Delivery = { deliveredTo: [], storedOffline: false, bounce: { type: "cancel", condition: "service-unavailable" } };

const msg = (type: MessageType, toResource: string | null = null): MessageSnapshot => chat({ type, toResource });

describe("routeMessage (RFC 6121 §8.5), every routable resource (spec, tigase)", () => {
  it.each<{ name: string; sessions: SessionSnapshot[]; message: MessageSnapshot; expected: Delivery }>([
    // §8.5.2.1.1 / §8.5.2.2.1: bare JID
    { name: "bare chat goes to every receiving session (and the hibernated one's queue), not only the highest priority", sessions: MIXED, message: msg("chat"), expected: delivered("laptop", "phone", "car") },
    { name: "bare normal goes to every receiving session", sessions: MIXED, message: msg("normal"), expected: delivered("laptop", "phone", "car") },
    { name: "bare chat with only a hibernated session is queued for it, not stored offline", sessions: ONLY_HIBERNATED, message: msg("chat"), expected: delivered("car") },
    { name: "bare chat with nobody receiving is stored offline", sessions: NOBODY_RECEIVING, message: msg("chat"), expected: OFFLINE },
    { name: "bare normal with no session is stored offline", sessions: [], message: msg("normal"), expected: OFFLINE },
    { name: "bare headline goes to every receiving session", sessions: MIXED, message: msg("headline"), expected: delivered("laptop", "phone", "car") },
    { name: "bare headline with nobody receiving is dropped, not stored", sessions: NOBODY_RECEIVING, message: msg("headline"), expected: DROPPED },
    { name: "bare groupchat with receiving sessions is bounced, never delivered", sessions: MIXED, message: msg("groupchat"), expected: BOUNCED },
    { name: "bare groupchat with nobody receiving is bounced too (§8.5.2.2.1; Prosody 0.12)", sessions: NOBODY_RECEIVING, message: msg("groupchat"), expected: BOUNCED },
    { name: "bare error is silently dropped", sessions: MIXED, message: msg("error"), expected: DROPPED },
    // §8.5.3.1: full JID of a connected resource, whatever its presence
    { name: "full JID of a connected resource without presence gets it alone", sessions: MIXED, message: msg("chat", "watch"), expected: delivered("watch") },
    { name: "full JID of a negative-priority resource gets it", sessions: MIXED, message: msg("normal", "tablet"), expected: delivered("tablet") },
    { name: "groupchat to a connected full JID is delivered", sessions: MIXED, message: msg("groupchat", "phone"), expected: delivered("phone") },
    { name: "headline to a connected full JID is delivered", sessions: MIXED, message: msg("headline", "watch"), expected: delivered("watch") },
    { name: "error to a connected full JID is delivered", sessions: MIXED, message: msg("error", "laptop"), expected: delivered("laptop") },
    // §8.5.3.2.1: no such connected resource
    { name: "chat to an unknown resource is routed as to the bare JID", sessions: MIXED, message: msg("chat", "gone"), expected: delivered("laptop", "phone", "car") },
    { name: "normal to an unknown resource is routed as to the bare JID", sessions: MIXED, message: msg("normal", "gone"), expected: delivered("laptop", "phone", "car") },
    { name: "chat to an unknown resource with nobody receiving is stored offline", sessions: NOBODY_RECEIVING, message: msg("chat", "gone"), expected: OFFLINE },
    { name: "chat to a hibernated resource is queued for it alone (XEP-0198)", sessions: MIXED, message: msg("chat", "car"), expected: delivered("car") },
    { name: "headline to a hibernated resource is queued for it too", sessions: ONLY_HIBERNATED, message: msg("headline", "car"), expected: delivered("car") },
    { name: "groupchat to an unknown resource is bounced, not stored (§8.5.3.2.1)", sessions: NOBODY_RECEIVING, message: msg("groupchat", "gone"), expected: BOUNCED },
    { name: "headline to an unknown resource is dropped, not stored", sessions: MIXED, message: msg("headline", "gone"), expected: DROPPED },
    { name: "error to an unknown resource is dropped", sessions: [], message: msg("error", "gone"), expected: DROPPED },
  ])("$name", ({ sessions, message, expected }) => {
    expect(routeMessage(sessions, message, "every-routable")).toEqual(expected);
  });

  it("returns a fresh delivery each time", () => {
    const a = routeMessage([], msg("error"), "every-routable");
    a.deliveredTo.push("x");
    expect(routeMessage([], msg("error"), "every-routable").deliveredTo).toEqual([]);
  });
});

// Prosody's select_top_resources (util/presence.lua) and ejabberd's route_message `P == MaxPrio`.
const TIED: SessionSnapshot[] = [available("laptop"), available("phone", "away"), available("tablet", null, -1), noPresence("watch")];
const HIBERNATED_ON_TOP: SessionSnapshot[] = [available("laptop", null, 1), { ...hibernated("car"), presence: { show: null, priority: 2 } }];

describe("routeMessage with top-priority bare-JID delivery (prosody, ejabberd)", () => {
  it.each<{ name: string; sessions: SessionSnapshot[]; message: MessageSnapshot; expected: Delivery }>([
    { name: "bare chat goes to the highest priority only (phone at 5)", sessions: MIXED, message: msg("chat"), expected: delivered("phone") },
    { name: "bare normal goes to the highest priority only", sessions: MIXED, message: msg("normal"), expected: delivered("phone") },
    { name: "resources tied at the top priority all get it, whatever their show", sessions: TIED, message: msg("chat"), expected: delivered("laptop", "phone") },
    { name: "a hibernated session of the highest priority has it queued, alone", sessions: HIBERNATED_ON_TOP, message: msg("chat"), expected: delivered("car") },
    { name: "chat to an unknown resource goes to the highest priority too", sessions: MIXED, message: msg("chat", "gone"), expected: delivered("phone") },
    { name: "bare headline still goes to every routable resource", sessions: MIXED, message: msg("headline"), expected: delivered("laptop", "phone", "car") },
    { name: "negative priorities never count: nobody routable stores it offline", sessions: NOBODY_RECEIVING, message: msg("chat"), expected: OFFLINE },
    { name: "a full JID is unaffected", sessions: MIXED, message: msg("chat", "laptop"), expected: delivered("laptop") },
    { name: "bare groupchat is still bounced", sessions: MIXED, message: msg("groupchat"), expected: BOUNCED },
  ])("$name", ({ sessions, message, expected }) => {
    expect(routeMessage(sessions, message, "top-priority")).toEqual(expected);
  });
});
