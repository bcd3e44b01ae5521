import { describe, expect, it } from "vitest";
import { droppedError, mapStartError, nameCredentialField } from "./errors";

const ctx = { account: "bob@localhost", service: "ws://localhost:5280/xmpp-websocket", lastStatus: "open", socketOpened: true };

describe("nameCredentialField", () => {
  it("names the Connection tab field of a refused password", () => {
    const refused = mapStartError({ name: "SASLError", condition: "not-authorized" }, ctx);
    expect(refused.message).toBe("bad credentials for bob@localhost");
    expect(nameCredentialField(refused, "Sender", "bob@localhost")).toEqual({
      code: "bad-credentials",
      condition: "not-authorized",
      message: "Password for bob@localhost (Sender) in the Connection tab was refused by the server (not-authorized)",
    });
  });

  it("leaves every other error as it is", () => {
    const disabled = mapStartError({ name: "SASLError", condition: "account-disabled" }, ctx);
    expect(nameCredentialField(disabled, "Account", "bob@localhost")).toBe(disabled);
    const socket = mapStartError({ code: "ECONNERROR" }, { ...ctx, socketOpened: false });
    expect(nameCredentialField(socket, "Sink", "bob@localhost")).toBe(socket);
  });
});

describe("droppedError", () => {
  it("says in plain words that the server closed the connection, with the close code when there is one", () => {
    expect(droppedError({ code: 1006 })).toEqual({
      code: "socket-closed",
      message: "the server closed the connection (code 1006) — it may have stopped",
      detail: "WebSocket close code 1006 (abnormal closure: no close frame (refused, unreachable, or dropped))",
    });
    expect(droppedError(undefined)).toEqual({ code: "socket-closed", message: "the server closed the connection — it may have stopped" });
  });
});
