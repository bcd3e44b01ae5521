import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "node",
    setupFiles: ["src/test-setup/node-websocket.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The server tests open many loopback sockets; forks keep each file's server isolated.
    pool: "forks",
  },
});
