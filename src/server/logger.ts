/**
 * The reference server's logger: one line per event, `time LEVEL msg {json data}`, so a developer
 * can grep a run or pipe it through `jq -R`. Debug level carries the push decisions (logged by the
 * session manager) and every stream-level event.
 */
import type { LogLevel, Logger } from "./types";

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Prefix after the level, e.g. the component name. */
  name?: string;
  /** Where lines go; default: stdout for debug/info, stderr for warn/error. */
  write?: (line: string, level: Exclude<LogLevel, "silent">) => void;
  /** Clock, for tests. */
  now?: () => Date;
}

function defaultWrite(line: string, level: Exclude<LogLevel, "silent">): void {
  if (level === "warn" || level === "error") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

/** JSON that never throws (cycles, BigInt) and keeps errors readable. */
export function formatData(data: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(data, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (typeof value === "object" && value !== null) {
        if (seen.has(value)) return "[circular]";
        seen.add(value);
      }
      return value;
    });
  } catch {
    return '"[unserializable]"';
  }
}

export function createLogger(options: LoggerOptions = {}): Logger & { readonly level: LogLevel } {
  const level = options.level ?? "info";
  const threshold = RANK[level];
  const write = options.write ?? defaultWrite;
  const now = options.now ?? (() => new Date());
  const prefix = options.name ? `[${options.name}] ` : "";

  function emit(lvl: Exclude<LogLevel, "silent">, msg: string, data?: Record<string, unknown>): void {
    if (RANK[lvl] < threshold) return;
    const tail = data && Object.keys(data).length > 0 ? " " + formatData(data) : "";
    // Messages are ours, but data may carry client-chosen strings: keep one event on one line.
    const line = `${now().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${prefix}${msg.replace(/[\r\n]+/g, " ")}${tail}`;
    write(line, lvl);
  }

  return {
    level,
    debug: (msg, data) => emit("debug", msg, data),
    info: (msg, data) => emit("info", msg, data),
    warn: (msg, data) => emit("warn", msg, data),
    error: (msg, data) => emit("error", msg, data),
  };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = createLogger({ level: "silent" });
