/**
 * Issue 8's rule as a check: views read the stores and call the Playground's actions; no React
 * component (or hook beside them) writes a store itself. A source scan, with an empty allow-list.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";

const APP = join(__dirname, "..");
/** Store functions that only read (a view may call them; none does today). */
const READERS = new Set(["liveChangesSince", "liveEvent", "liveIndexOf"]);

/** Every store function that changes state: the stores' own functions, readers excepted. */
function storeWriters(): Set<string> {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const names = Object.values(stores).flatMap((store) =>
    Object.entries(store.getState() as Record<string, unknown>)
      .filter(([name, value]) => typeof value === "function" && !READERS.has(name))
      .map(([name]) => name),
  );
  return new Set(names);
}

/**
 * The direct store writes in one file's text: `setState` on a store, a writer called on
 * `getState()`, on a name holding `getState()`, destructured from it, or picked by a hook's selector,
 * and `getState` handed on uncalled.
 */
function findStoreWrites(source: string, writers: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const writerCalls = (pattern: RegExp) => {
    for (const m of source.matchAll(pattern)) if (writers.has(m[1]!)) found.push(m[0]);
  };
  for (const m of source.matchAll(/(?<!this)\.setState\s*\(/g)) found.push(m[0]);
  for (const m of source.matchAll(/\.getState\b(?!\s*\()/g)) found.push(m[0]);
  writerCalls(/getState\(\)\s*\.\s*(\w+)\s*\(/g);
  for (const m of source.matchAll(/(?:const|let|var)\s+(\w+)\s*=[^;]*?\bgetState\(\)\s*;/g)) {
    writerCalls(new RegExp(`\\b${m[1]}\\s*\\.\\s*(\\w+)\\s*\\(`, "g"));
  }
  for (const m of source.matchAll(/(?:const|let|var)\s*\{([^}]*)\}\s*=[^;]*?\bgetState\(\)/g)) {
    for (const name of m[1]!.split(",").map((part) => part.split(":")[0]!.trim())) if (writers.has(name)) found.push(`{ ${name} } = getState()`);
  }
  writerCalls(/[Ss]tore\s*\([^()]*?\(?\s*(?:\w+)\s*\)?\s*=>\s*\w+\s*\.\s*(\w+)\s*\)/g);
  return found;
}

/** Component and view-hook sources: every .tsx of the app and every .ts beside the components, tests and test kits aside. */
function viewSources(): string[] {
  const files = readdirSync(APP, { recursive: true, encoding: "utf8" }).map((file) => join(APP, file));
  const isView = (file: string) => file.endsWith(".tsx") || (file.endsWith(".ts") && relative(APP, file).startsWith("components"));
  return files.filter((file) => isView(file) && !/\.test\.tsx?$/.test(file) && !file.includes("test-support")).sort();
}

describe("views write no store", () => {
  const writers = storeWriters();

  it("finds the ways a view could write a store", () => {
    const samples = [
      `const actions = useStores().console.getState();\n onChange={(e) => actions.setSearch(e.target.value)}`,
      `stores.profile.getState().update({ service })`,
      `const { toggle, runFailed: fail } = useStores().scenarios.getState();`,
      `const select = useTimelineStore((s) => s.select);`,
      `stores.timeline.setState({ selectedId: null })`,
      `const read = stores.timeline.getState;`,
    ];
    expect(samples.map((sample) => findStoreWrites(sample, writers).length > 0)).toEqual(samples.map(() => true));
    expect(findStoreWrites(`const { toggle, runFailed: fail } = s.getState();`, writers)).toEqual(["{ toggle } = getState()", "{ runFailed } = getState()"]);
  });

  it("lets a view read", () => {
    const reads = [
      `const state = stores.timeline.getState();\n const target = findEvent(state, id); state.liveEvent(id);`,
      `stored: stores.disco.getState().results[target]`,
      `const paused = useConsoleStore((s) => s.paused);`,
      `onClick={() => this.setState({ error: null })}`,
      `playground.console.setSearch("")`,
    ];
    expect(reads.flatMap((sample) => findStoreWrites(sample, writers))).toEqual([]);
  });

  it("no component or view hook writes a store (allow-list: empty)", () => {
    const sources = viewSources();
    expect(sources.length).toBeGreaterThan(50);
    const writes = sources.flatMap((file) => findStoreWrites(readFileSync(file, "utf8"), writers).map((w) => `${relative(APP, file)}: ${w}`));
    expect(writes).toEqual([]);
  });
});
