/**
 * The Worker's FrameSocket over a MessagePort, driven from the other end of a MessageChannel the
 * way the page's SandboxWebSocket drives it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { portFrameSocket } from "./port-frame-socket";
import type { FrameMessage } from "./protocol";

const channels: MessageChannel[] = [];

function pair() {
  const channel = new MessageChannel();
  channels.push(channel);
  const socket = portFrameSocket(channel.port2);
  const received: FrameMessage[] = [];
  channel.port1.onmessage = (e: MessageEvent<FrameMessage>) => received.push(e.data);
  const frames: { text: string; binary: boolean }[] = [];
  const closes: { code: number; reason: string }[] = [];
  const errors: string[] = [];
  socket.onFrame((data, binary) => frames.push({ text: new TextDecoder().decode(data), binary }));
  socket.onClose((code, reason) => closes.push({ code, reason }));
  socket.onError((err) => errors.push(err.message));
  return { page: channel.port1, socket, received, frames, closes, errors };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

describe("portFrameSocket", () => {
  it("delivers text frames as UTF-8 bytes and binary ones flagged binary", async () => {
    const p = pair();
    p.page.postMessage({ t: "frame", data: "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>" });
    p.page.postMessage({ t: "frame", data: new Uint8Array([0xc3, 0xa9]) });
    await until(() => p.frames.length === 2, "two frames");
    expect(p.frames[0]).toEqual({ text: "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>", binary: false });
    expect(p.frames[1]).toEqual({ text: "é", binary: true });
  });

  it("sends frames to the page and calls back once they are handed over", async () => {
    const p = pair();
    const done: (Error | undefined)[] = [];
    p.socket.send("<presence/>", (err) => done.push(err));
    await until(() => p.received.length === 1 && done.length === 1, "the frame");
    expect(p.received[0]).toEqual({ t: "frame", data: "<presence/>" });
    expect(done).toEqual([undefined]);
    expect(p.socket.readyState).toBe(1);
  });

  it("closes with the handshake: our close, the page's echo, then the close event", async () => {
    const p = pair();
    p.socket.close(1000, "bye");
    expect(p.socket.readyState).toBe(2);
    await until(() => p.received.length === 1, "the close message");
    expect(p.received[0]).toEqual({ t: "close", code: 1000, reason: "bye" });
    expect(p.closes).toEqual([]);
    p.page.postMessage({ t: "close", code: 1000, reason: "bye" });
    await until(() => p.closes.length === 1, "the close event");
    expect(p.closes).toEqual([{ code: 1000, reason: "bye" }]);
    expect(p.socket.readyState).toBe(3);
  });

  it("echoes a close the page starts and reports it once", async () => {
    const p = pair();
    p.page.postMessage({ t: "close", code: 1001, reason: "page leaving" });
    await until(() => p.closes.length === 1 && p.received.length === 1, "echo and close event");
    expect(p.received).toEqual([{ t: "close", code: 1001, reason: "page leaving" }]);
    expect(p.closes).toEqual([{ code: 1001, reason: "page leaving" }]);
  });

  it("reports a page that drops the connection as 1006, and refuses later sends", async () => {
    const p = pair();
    p.page.postMessage({ t: "terminate" });
    await until(() => p.closes.length === 1, "the close event");
    expect(p.closes).toEqual([{ code: 1006, reason: "" }]);
    const errors: (Error | undefined)[] = [];
    p.socket.send("<presence/>", (err) => errors.push(err));
    await until(() => errors.length === 1, "the send callback");
    expect(errors[0]?.message).toMatch(/not open/);
  });

  it("terminate tells the page and closes at once", async () => {
    const p = pair();
    p.socket.terminate();
    expect(p.socket.readyState).toBe(3);
    await until(() => p.closes.length === 1 && p.received.length === 1, "terminate");
    expect(p.received).toEqual([{ t: "terminate" }]);
    expect(p.closes).toEqual([{ code: 1006, reason: "" }]);
  });

  it("reports a message of unknown shape as an error and keeps the stream", async () => {
    const p = pair();
    p.page.postMessage({ t: "frames", data: 42 });
    p.page.postMessage({ t: "frame", data: "<r/>" });
    await until(() => p.frames.length === 1, "the frame after the bad message");
    expect(p.errors).toEqual(["sandbox port: a message that is no frame, close or terminate"]);
    expect(p.socket.readyState).toBe(1);
  });
});
