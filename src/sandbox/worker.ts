/**
 * The sandbox's Web Worker entry: the reference server's core, loaded only when the page uses the
 * sandbox (a separate chunk, never part of the entry). Log lines go to the Worker's console.
 */
import { createLogger } from "../server/logger";
import { startSandboxServer, type ControlEndpoint } from "./sandbox-server";

const scope = self as unknown as ControlEndpoint;
startSandboxServer(scope, {
  logger: createLogger({
    level: "warn",
    name: "sandbox",
    write: (line, level) => (level === "error" ? console.error(line) : console.warn(line)),
  }),
});
