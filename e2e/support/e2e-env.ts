/** Where the e2e web server listens; shared by playwright.config.ts and the specs. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4179);
/** The reference server's XMPP-over-TCP port for e2e (never 5222: a real Prosody holds it in CI). */
export const E2E_C2S_PORT = Number(process.env.E2E_C2S_PORT ?? E2E_PORT + 10_000);
/** Where the e2e server keeps its generated certificate (specs read it to trust the TLS upgrade). */
export const E2E_DATA_DIR = "test-results/.data";
