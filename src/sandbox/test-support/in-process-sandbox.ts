/**
 * The sandbox server on the other end of a MessageChannel instead of a Worker (vitest has no
 * Workers): the same startSandboxServer the Worker runs, and a SandboxClient the page code uses.
 */
import type { CoreOptions } from "../../server/core";
import { SandboxClient, type ControlPort } from "../sandbox-client";
import { startSandboxServer, type ControlEndpoint, type SandboxServer } from "../sandbox-server";

export interface InProcessSandbox {
  client: SandboxClient;
  server: SandboxServer;
  close(): Promise<void>;
}

export function startInProcessSandbox(options: CoreOptions = {}): InProcessSandbox {
  const control = new MessageChannel();
  const server = startSandboxServer(control.port2 as unknown as ControlEndpoint, { logLevel: "silent", ...options });
  const client = new SandboxClient(() => control.port1 as unknown as ControlPort);
  return {
    client,
    server,
    async close() {
      await server.close();
      control.port1.close();
      control.port2.close();
    },
  };
}
