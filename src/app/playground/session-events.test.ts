/** What session events do to a lane's card and the timeline (no server: events are fed directly). */
import { describe, expect, it, vi } from "vitest";
import type { SmSnapshot } from "../../xmpp-client/client";
import type { ConnectionEvent } from "../model";
import { createTestContext } from "../test-support/service-context";
import { createLaneRegistry } from "./lane-registry";
import { createObserver } from "./observer";
import { createLinker } from "./linker";
import { createSessionEventHandler } from "./session-events";

function setUp() {
  const ctx = createTestContext();
  const registry = createLaneRegistry(ctx, { awayShows: ["away", "xa"] });
  const observer = createObserver(ctx, { registry, linker: createLinker(ctx, { pushLinked: () => {} }) });
  const connectionOnline = vi.fn();
  const connectionResumed = vi.fn();
  const onElement = vi.fn();
  const handle = createSessionEventHandler(ctx, { registry, redelivery: observer.redelivery, expectations: { connectionOnline, connectionResumed }, onElement, serviceOf: () => "ws://x/xmpp" });
  const r1 = registry.addResource("r1");
  if (!r1.ok) throw new Error("no r1");
  const connections = () => ctx.events().filter((e): e is ConnectionEvent => e.kind === "connection");
  return { ctx, registry, handle, lane: r1.value, connectionOnline, connectionResumed, onElement, connections };
}

const sm: SmSnapshot = { enabled: true, resumable: true, id: "sm-1", max: 300, inbound: 0, outbound: 0, unacked: 0, location: undefined };

describe("session events", () => {
  it("online: the card is online, the expectations learn of a new connection, the timeline says so", () => {
    const { handle, registry, lane, connectionOnline, connections } = setUp();
    handle(lane, { type: "status", at: 10, status: "connecting", xmppStatus: "connecting" });
    handle(lane, { type: "status", at: 11, status: "online", xmppStatus: "online", jid: "alice@localhost/r1" });
    expect(registry.view(lane)).toMatchObject({ status: "online", jid: "alice@localhost/r1", connectedAt: 11 });
    expect(connectionOnline).toHaveBeenCalledWith(lane);
    expect(connections().map((e) => e.summary)).toEqual(["alice/r1: connecting to ws://x/xmpp", "alice@localhost/r1 online"]);
  });

  it("killed with resumption: hibernated, presence kept; without: ended, presence forgotten", () => {
    const { handle, registry, lane, connections } = setUp();
    registry.patchView(lane, { status: "online", jid: "alice@localhost/r1", presence: { show: null, priority: 0 } });
    handle(lane, { type: "status", at: 20, status: "offline", xmppStatus: "offline", cause: "killed", sm });
    expect(registry.view(lane)).toMatchObject({ status: "offline", sm: { state: "hibernated", id: "sm-1" }, presence: { show: null } });
    expect(connections()[0]!.summary).toContain("resumable for up to 300 s");
    handle(lane, { type: "status", at: 30, status: "offline", xmppStatus: "offline", cause: "killed", sm: { ...sm, resumable: false } });
    expect(registry.view(lane)).toMatchObject({ sm: { state: "ended" }, presence: null, jid: null });
    expect(connections()[1]!.summary).toContain("so the session simply ended");
  });

  it("resumed: the same connection to the expectations (no new generation), which learn of the resumption", () => {
    const { handle, registry, lane, connectionOnline, connectionResumed } = setUp();
    handle(lane, { type: "status", at: 50, status: "online", xmppStatus: "online", cause: "resumed", sm, jid: "alice@localhost/r1" });
    expect(registry.view(lane)).toMatchObject({ status: "online", sm: { state: "resumed" } });
    expect(connectionResumed).toHaveBeenCalledWith(lane);
    expect(connectionOnline).not.toHaveBeenCalled();
  });

  it("resume failed with item-not-found: the card says expired", () => {
    const { handle, registry, lane, connections } = setUp();
    handle(lane, { type: "status", at: 40, status: "offline", xmppStatus: "offline", cause: "resume-failed", error: { code: "stanza-error", message: "gone", condition: "item-not-found" } });
    expect(registry.view(lane)!.sm).toMatchObject({ state: "expired", note: "gone" });
    expect(connections()[0]).toMatchObject({ sm: "expired", summary: "alice/r1: resume failed: gone; connect to start a new session" });
  });

  it("passes stanzas on and records frames and session errors", () => {
    const { ctx, handle, lane, onElement } = setUp();
    handle(lane, { type: "frame", at: 1, direction: "in", text: "<presence/>" });
    handle(lane, { type: "error", at: 2, error: { code: "internal", message: "bad frame" } });
    expect(ctx.events()[0]).toMatchObject({ kind: "error", summary: "session failed: bad frame" });
    expect(ctx.stores.console.getState().frames[0]).toMatchObject({ lane, kind: "presence" });
    expect(onElement).not.toHaveBeenCalled();
  });

  it("sm-enabled writes the card only once it is online: while connecting, the online status that follows carries it", () => {
    const { ctx, handle, registry, lane } = setUp();
    const writes = vi.fn();
    ctx.stores.sessions.subscribe(writes);
    handle(lane, { type: "status", at: 10, status: "connecting", xmppStatus: "connecting" });
    writes.mockClear();
    handle(lane, { type: "sm-enabled", at: 11, sm });
    expect(writes).not.toHaveBeenCalled();
    registry.patchView(lane, { status: "online" });
    handle(lane, { type: "sm-enabled", at: 12, sm });
    expect(registry.view(lane)!.sm).toMatchObject({ state: "active", id: "sm-1", since: 12 });
  });
});
