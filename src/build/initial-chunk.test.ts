import { describe, expect, it } from "vitest";
import { initialModuleGroup, staticClosure, type ChunkingGraph } from "./initial-chunk";

function graph(edges: Record<string, string[]>): ChunkingGraph {
  return { getModuleInfo: (id) => (id in edges ? { importedIds: edges[id]! } : null) };
}

// main imports app and react statically; app imports util; lazy (a dynamic import) imports util and heavy.
const edges = { main: ["app", "react"], app: ["util"], react: [], util: [], lazy: ["util", "heavy"], heavy: [] };

describe("the initial chunk group", () => {
  it("collects what the entry imports statically, transitively, and nothing reached only lazily", () => {
    expect([...staticClosure("main", graph(edges))].sort()).toEqual(["app", "main", "react", "util"]);
  });

  it("names the entry's static imports `app` and leaves the entry and the rest to automatic splitting", () => {
    const group = initialModuleGroup("main");
    const ctx = graph(edges);
    expect(["app", "react", "util"].map((id) => group.name(id, ctx))).toEqual(["app", "app", "app"]);
    expect(["main", "lazy", "heavy"].map((id) => group.name(id, ctx))).toEqual([null, null, null]);
  });

  it("reads the graph again for a new build (a watch rebuild after an import changed)", () => {
    const group = initialModuleGroup("main");
    expect(group.name("heavy", graph(edges))).toBeNull();
    expect(group.name("heavy", graph({ ...edges, app: ["util", "heavy"] }))).toBe("app");
  });
});
