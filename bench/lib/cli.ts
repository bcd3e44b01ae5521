/**
 * Command-line flags for the benchmarks: `--name value`, `--name=value` and bare boolean
 * `--name`. Unknown flags and malformed numbers stop the run with the usage text, so a typo never
 * silently benchmarks the defaults.
 */

export interface FlagSpec {
  /** `number` flags accept integers and decimals; `boolean` flags take no value. */
  type: "number" | "string" | "boolean";
  help: string;
  /** For the usage text only (the caller applies defaults). */
  default?: string | number | boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]["type"] extends "number" ? number : S[K]["type"] extends "boolean" ? boolean : string;
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function usage(title: string, specs: FlagSpecs): string {
  const lines = [title, "", "Flags:"];
  for (const [name, spec] of Object.entries(specs)) {
    const value = spec.type === "boolean" ? "" : spec.type === "number" ? " N" : " VALUE";
    const def = spec.default !== undefined ? ` (default ${String(spec.default)})` : "";
    lines.push(`${`  --${name}${value}`.padEnd(30)} ${spec.help}${def}`);
  }
  return lines.join("\n");
}

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedFlags<S> {
  const out: Record<string, number | string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (spec.type === "boolean") {
      if (eq !== -1) {
        const v = arg.slice(eq + 1);
        if (v !== "true" && v !== "false") throw new UsageError(`--${name} takes no value (or =true/=false)`);
        out[name] = v === "true";
      } else {
        out[name] = true;
      }
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || (eq === -1 && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
    if (spec.type === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out as ParsedFlags<S>;
}

/** A positive integer flag within [min, max]. */
export function intIn(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

/**
 * The command line of a benchmark: its flags, or the exit code when there is nothing to run
 * (`--help` printed the usage: 0; a bad flag printed its message and the usage: 2).
 */
export function commandLine<S extends FlagSpecs>(title: string, specs: S, argv: readonly string[] = process.argv.slice(2)): ParsedFlags<S> | number {
  try {
    const flags = parseFlags(argv, specs);
    if ((flags as Record<string, unknown>).help) {
      console.log(usage(title, specs));
      return 0;
    }
    return flags;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage(title, specs)}`);
      return 2;
    }
    throw err;
  }
}
