import { describe, expect, it, vi } from "vitest";
import { guardClosedSocketWrites, type GuardedConnection } from "./closed-socket-guard";

function connection(readyState: number | undefined, attached = true) {
  const written: string[] = [];
  const c: GuardedConnection = {
    write: vi.fn(async (data: string) => void written.push(data)),
    socket: attached ? { socket: readyState === undefined ? null : { readyState } } : null,
  };
  guardClosedSocketWrites(c);
  return { c, written };
}

describe("guardClosedSocketWrites", () => {
  it("writes through while the WebSocket is connecting or open", async () => {
    for (const state of [0, 1]) {
      const { c, written } = connection(state);
      await c.write("<r xmlns='urn:xmpp:sm:3'/>");
      expect(written).toEqual(["<r xmlns='urn:xmpp:sm:3'/>"]);
    }
  });

  it("refuses, without touching the socket, once it is closing or closed", async () => {
    for (const state of [2, 3]) {
      const { c, written } = connection(state);
      await expect(c.write("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")).rejects.toThrow("the WebSocket is closing or closed");
      expect(written).toEqual([]);
    }
  });

  it("leaves a socket without readyState (TCP) and a detached one to xmpp.js", async () => {
    const tcp = connection(undefined);
    await tcp.c.write("x");
    expect(tcp.written).toEqual(["x"]);
    const detached = connection(1, false);
    await detached.c.write("y");
    expect(detached.written).toEqual(["y"]);
  });

  it("sees the state at each write, not when it was installed", async () => {
    const { c, written } = connection(1);
    await c.write("a");
    c.socket = { socket: { readyState: 3 } };
    await expect(c.write("b")).rejects.toThrow();
    expect(written).toEqual(["a"]);
  });
});
