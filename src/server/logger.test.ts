import { describe, expect, it } from "vitest";
import { createLogger, formatData } from "./logger";
import type { LogLevel } from "./types";

function capture(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(line), now: () => new Date("2026-01-02T03:04:05.000Z"), name: "xmpp" });
  return { logger, lines };
}

describe("logger", () => {
  it("writes one line per event with time, level, message and JSON data", () => {
    const { logger, lines } = capture("debug");
    logger.debug("push decided", { account: "alice@localhost", push: true });
    logger.error("multi\nline", { text: "a\nb" });
    expect(lines).toEqual([
      '2026-01-02T03:04:05.000Z DEBUG [xmpp] push decided {"account":"alice@localhost","push":true}',
      '2026-01-02T03:04:05.000Z ERROR [xmpp] multi line {"text":"a\\nb"}',
    ]);
  });

  it("drops events below its level, and everything when silent", () => {
    const info = capture("info");
    info.logger.debug("hidden");
    info.logger.info("shown");
    expect(info.lines).toHaveLength(1);
    const silent = capture("silent");
    silent.logger.error("hidden");
    expect(silent.lines).toEqual([]);
  });

  it("never throws on odd data", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatData({ cyclic, big: 10n, err: new Error("boom") })).toBe('{"cyclic":{"a":1,"self":"[circular]"},"big":"10","err":{"name":"Error","message":"boom"}}');
  });
});
