/**
 * What a first visit downloads before the app can render: the entry chunk and every chunk it
 * imports statically, transitively, read from Vite's build manifest (dist/.vite/manifest.json).
 * Chunks reached only through a dynamic import() load on demand and do not count. Node-free, so
 * the computation is unit-tested on a fixture manifest; scripts/size-check.ts reads the files.
 */

/** The fields of a Vite manifest chunk this check reads. */
export interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

export type Manifest = Record<string, ManifestChunk>;

/** Output files (dist-relative) of the entry chunks and their static imports, entries first, each once. */
export function initialJsFiles(manifest: Manifest): string[] {
  const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry && manifest[key]?.file.endsWith(".js"));
  if (entries.length === 0) throw new Error("the manifest has no entry chunk (was the build run with build.manifest?)");
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string, via: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the manifest names ${key} (imported by ${via}) but has no entry for it`);
    if (chunk.file.endsWith(".js")) files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported, key);
  };
  for (const entry of entries) visit(entry, "the page");
  return files;
}

export interface SizedFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface SizeVerdict {
  files: SizedFile[];
  totalGzip: number;
  limit: number;
  ok: boolean;
}

export function judgeInitialSize(files: SizedFile[], limit: number): SizeVerdict {
  const totalGzip = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { files, totalGzip, limit, ok: totalGzip <= limit };
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** One line per initial chunk, largest first, then the total against the limit. */
export function formatSizeReport(verdict: SizeVerdict): string[] {
  const rows = [...verdict.files].sort((a, b) => b.gzipBytes - a.gzipBytes);
  const width = Math.max(...rows.map((r) => r.file.length), 10);
  return [
    "Initial JS (entry chunk and its static imports):",
    ...rows.map((r) => `  ${r.file.padEnd(width)}  ${kB(r.bytes).padStart(9)}  gzip ${kB(r.gzipBytes).padStart(8)}`),
    `  total gzip ${kB(verdict.totalGzip)} of at most ${kB(verdict.limit)}: ${verdict.ok ? "ok" : "TOO BIG (split a view behind a dynamic import(), or drop a dependency)"}`,
  ];
}
