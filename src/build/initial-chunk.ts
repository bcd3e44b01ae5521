/**
 * A Rolldown code-splitting group that puts every module the entry imports statically (directly
 * or transitively) into one chunk, `app`; the entry module itself stays in the entry chunk (an
 * empty entry would be dropped as a facade, and the manifest would lose its entry). Those modules load at start in any case; left alone,
 * Rolldown spreads the ones lazy chunks share into a dozen small common chunks, and each small
 * file compresses worse than one file (issue 14: about 4 kB gzip of the initial JS). Modules
 * reached only through a dynamic import() keep their own chunks.
 */

/** The part of Rolldown's chunking context this group reads. */
export interface ChunkingGraph {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}

export interface InitialModuleGroup {
  name: (id: string, ctx: ChunkingGraph) => string | null;
  /** Rolldown asks for it when `name` is a function (else `vite build` prints a notice). */
  debugName: string;
}

/** The modules `entry` imports statically, itself included. */
export function staticClosure(entry: string, graph: ChunkingGraph): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const imported of graph.getModuleInfo(id)?.importedIds ?? []) queue.push(imported);
  }
  return seen;
}

export function initialModuleGroup(entry: string, chunkName = "app"): InitialModuleGroup {
  // The graph is complete when chunking starts; computed once per build (a watch rebuild starts a new pass).
  let closure: { graph: ChunkingGraph; ids: Set<string> } | null = null;
  return {
    debugName: `${chunkName} (the first load)`,
    name(id, ctx) {
      if (closure?.graph !== ctx) closure = { graph: ctx, ids: staticClosure(entry, ctx) };
      return id !== entry && closure.ids.has(id) ? chunkName : null;
    },
  };
}
