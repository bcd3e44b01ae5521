/** Actions of the resources and the sender (presence, raw XML, messages) against the reference server. */
import { describe, expect, it } from "vitest";
import { SENDER_LANE } from "../model";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile();

describe("actions", () => {
  it("validates raw XML and records raw sends; console frames carry the masked SASL auth", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect("sender");
    const bad = await pg.sendRaw(SENDER_LANE, "<message><body>x</message>");
    expect(!bad.ok && bad.error.code).toBe("bad-xml");
    const two = await pg.sendRaw(SENDER_LANE, "<presence/><presence/>");
    expect(!two.ok && two.error.code).toBe("bad-xml");
    const good = await pg.sendRaw(SENDER_LANE, "<presence><show>away</show></presence>");
    expect(good.ok).toBe(true);
    expect(d.events().some((e) => e.kind === "raw-send" && e.xml?.includes("<show>away</show>"))).toBe(true);
    const auth = pg.stores.console.getState().frames.find((f) => f.kind === "sasl" && f.direction === "out");
    expect(auth?.text).toMatch(/<auth [^>]*mechanism="PLAIN"[^>]*>•••<\/auth>/);
    expect(pg.stores.console.getState().sendHistory).toEqual(["<presence><show>away</show></presence>"]);
  });

  it("sends to a full JID (only that resource receives) and shows a bounced groupchat", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect();
    const [r1, r2] = d.resources();
    await d.send({ to: "r2", kind: "chat", body: "just r2" });
    const directId = d.lastSent[0]!;
    await d.send({ to: "bare", kind: "chat", body: "everyone" });
    const bothId = d.lastSent[0]!;
    await d.waitFor(() => d.sentEvent(bothId)?.receivedBy.length === 2, "delivery to both resources");
    expect(d.sentEvent(directId)?.to).toBe(`${pg.stores.sessions.getState().sessions[r2!.id]!.account}/r2`);
    expect(d.sentEvent(directId)?.receivedBy).toEqual([r2!.id]);
    expect([...d.sentEvent(bothId)!.receivedBy].sort()).toEqual([r1!.id, r2!.id].sort());
    expect(pg.stores.sessions.getState().sessions[r2!.id]!.received).toBe(2);

    await d.send({ to: "bare", kind: "groupchat", body: "room?" });
    const groupId = d.lastSent[0]!;
    const bounce = await d.waitFor(() => d.events().find((e) => e.kind === "message-received" && e.lane === SENDER_LANE && e.messageId === groupId), "the bounce");
    expect(bounce).toMatchObject({ messageType: "error" });
    expect(bounce.summary).toContain("service-unavailable");
    expect(d.sentEvent(groupId)?.receivedBy).toEqual([]);
  });

  it("refuses bad presence and bad sends before touching the wire, with specific errors", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect("sender", "r1");
    const priority = await pg.setPresence(d.lane("r1"), { show: "away", priority: 200 });
    expect(!priority.ok && priority.error).toMatchObject({ code: "bad-input", message: expect.stringContaining("-128 to 127") });
    const burst = await pg.send({ to: "bare", kind: "chat", body: "x", count: 0 });
    expect(!burst.ok && burst.error.message).toContain("burst size");
    const empty = await pg.send({ to: "bare", kind: "chat", body: "  " });
    expect(!empty.ok && empty.error.message).toContain("body is empty");
    const disco = await pg.disco("domain", d.lane("r2"));
    expect(!disco.ok && disco.error.code).toBe("not-connected");
    expect(d.events().filter((e) => e.kind === "error")).toHaveLength(4);
  });
});
