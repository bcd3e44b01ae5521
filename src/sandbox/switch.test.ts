import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_SERVICE } from "./protocol";
import { setPageSandbox } from "./sandbox-client";
import { createSwitchToSandbox } from "./switch";
import { startInProcessSandbox } from "./test-support/in-process-sandbox";

afterEach(() => setPageSandbox(null));

describe("createSwitchToSandbox", () => {
  it("starts the page's sandbox server, then points the profile at it", async () => {
    const sandbox = startInProcessSandbox();
    setPageSandbox(sandbox.client);
    let service = "/xmpp-websocket";
    const result = await createSwitchToSandbox({ setService: (s) => (service = s) })();
    expect(result).toEqual({ ok: true, value: undefined });
    expect(service).toBe(SANDBOX_SERVICE);
    await sandbox.close();
  });

  it("leaves the profile alone and says why when the server cannot start", async () => {
    let service = "/xmpp-websocket";
    const failing = createSwitchToSandbox({ setService: (s) => (service = s), start: () => Promise.reject(new Error("the worker did not start")) });
    expect(await failing()).toEqual({ ok: false, error: { code: "internal", message: "could not start the sandbox server: the worker did not start" } });
    expect(service).toBe("/xmpp-websocket");
  });
});
