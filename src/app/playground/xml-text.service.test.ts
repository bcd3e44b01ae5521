/**
 * Text XML does not allow never reaches the wire: against the reference server (which ends the
 * stream on `disallowed character U+0001`), each action refuses it with a message naming the
 * field, the character and its position, records the refusal, and every session stays connected.
 */
import { describe, expect, it } from "vitest";
import { SENDER_LANE, SINK_LANE, type ErrorEvent } from "../model";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile();

const REMOVE = "XML does not allow it and the server would end the session, so remove it";

function errors(d: PlaygroundDriver): ErrorEvent[] {
  return d.events().filter((e): e is ErrorEvent => e.kind === "error");
}

function framesWith(d: PlaygroundDriver, bad: string): number {
  d.pg.flush();
  return d.pg.stores.console.getState().frames.filter((f) => f.text.includes(bad)).length;
}

function allOnline(d: PlaygroundDriver): boolean {
  const { sessions } = d.pg.stores.sessions.getState();
  return [d.lane("r1"), SENDER_LANE, SINK_LANE].every((id) => sessions[id]?.status === "online");
}

describe("text XML does not allow", () => {
  it("a message body with U+0001 is refused by name, nothing is sent, and the sender can send again", async () => {
    const d = server.driver({ accountPrefix: "xt1", initialResources: ["r1"] });
    await d.connect().presence("r1", "away").enable({ away: true });
    d.pg.flush();
    const result = await d.pg.send({ to: "bare", kind: "chat", body: "hi\u0001 there" });
    expect(result).toEqual({ ok: false, error: { code: "bad-input", message: `the message body contains U+0001 (a control character) at character 3; ${REMOVE}` } });
    expect(errors(d).at(-1)).toMatchObject({ lane: SENDER_LANE, operation: "send", summary: `send failed: the message body contains U+0001 (a control character) at character 3; ${REMOVE}` });
    expect(framesWith(d, "\u0001")).toBe(0);
    expect(d.events().filter((e) => e.kind === "message-sent")).toHaveLength(0);
    // The session is still up: the next message goes out and is pushed.
    await d.send("clean").expectPush();
    expect(allOnline(d)).toBe(true);
  });

  it("presence status, enable node, publish-options value, disable node and remote-disable node are refused the same way", async () => {
    const d = server.driver({ accountPrefix: "xt2", initialResources: ["r1"] });
    await d.connect();
    const r1 = d.lane("r1");
    const presence = await d.pg.setPresence(r1, { show: "away", priority: 0, status: "zzz\uFFFF" });
    expect(!presence.ok && presence.error.message).toBe(`the status text contains U+FFFF (a noncharacter) at character 4; ${REMOVE}`);
    const enableNode = await d.pg.enable({ fromResourceId: r1, away: false, node: "n\uD800" });
    expect(enableNode).toMatchObject({ outcome: "error", summary: `enable not sent: the node contains U+D800 (half of a surrogate pair with no other half) at character 2; ${REMOVE}` });
    const enableOption = await d.pg.enable({ fromResourceId: r1, away: false, node: "n1", publishOptions: [{ var: "secret", value: "\u001b" }] });
    expect(enableOption.error?.message).toBe(`the value of publish-options field secret contains U+001B (a control character) at character 1; ${REMOVE}`);
    const disable = await d.pg.disable({ fromResourceId: r1, jid: d.pg.sinkJid(), node: "\u0000" });
    expect(disable.error?.message).toBe(`the node contains U+0000 (a control character) at character 1; ${REMOVE}`);
    const remote = await d.pg.sinkRemoteDisable("node\uFFFE");
    expect(!remote.ok && remote.error.message).toBe(`the node to disable contains U+FFFE (a noncharacter) at character 5; ${REMOVE}`);
    expect(errors(d).map((e) => e.operation)).toEqual(["presence", "enable", "enable", "disable", "remote disable"]);
    for (const bad of ["\uFFFF", "\uD800", "\u001b", "\u0000", "\uFFFE"]) expect(framesWith(d, bad)).toBe(0);
    // Nothing was lost: every session still answers.
    await d.presence("r1", "away", 0, "clean").enable({ away: true });
    expect(d.view("r1").statusText).toBe("clean");
    expect(allOnline(d)).toBe(true);
  });
});
