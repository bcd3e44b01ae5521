import { describe, expect, it } from "vitest";
import { formatSizeReport, initialJsFiles, judgeInitialSize, type Manifest } from "./initial-js";

/** The shape Vite 8 writes to dist/.vite/manifest.json: keys are source paths, `imports` are static, `dynamicImports` are not. */
const MANIFEST: Manifest = {
  "index.html": {
    file: "assets/index-AbC123.js",
    isEntry: true,
    imports: ["_jsx-runtime-1.js", "_xml-util-2.js"],
    dynamicImports: ["src/app/components/sequence/SequencePanel.tsx", "src/app/xmpp/session.ts"],
  },
  "_jsx-runtime-1.js": { file: "assets/jsx-runtime-1.js" },
  "_xml-util-2.js": { file: "assets/xml-util-2.js", imports: ["_ns-3.js", "_jsx-runtime-1.js"] },
  "_ns-3.js": { file: "assets/ns-3.js" },
  "src/app/components/sequence/SequencePanel.tsx": { file: "assets/SequencePanel-4.js", imports: ["_jsx-runtime-1.js", "_big-5.js"] },
  "_big-5.js": { file: "assets/big-5.js" },
  "src/app/xmpp/session.ts": { file: "assets/session-6.js", imports: ["_ns-3.js"] },
  "_style.css": { file: "assets/index-7.css" },
};

describe("initial JS from the build manifest", () => {
  it("counts the entry and its static imports, transitively and once each, never a dynamic import", () => {
    expect(initialJsFiles(MANIFEST)).toEqual(["assets/index-AbC123.js", "assets/jsx-runtime-1.js", "assets/xml-util-2.js", "assets/ns-3.js"]);
  });

  it("refuses a manifest without an entry, and one naming a chunk it does not list", () => {
    expect(() => initialJsFiles({ "_a.js": { file: "assets/a.js" } })).toThrow(/no entry chunk/);
    expect(() => initialJsFiles({ "index.html": { file: "assets/i.js", isEntry: true, imports: ["_gone.js"] } })).toThrow("the manifest names _gone.js (imported by index.html) but has no entry for it");
  });

  it("passes at the limit, fails above it, and prints each chunk largest first with the total", () => {
    const files = [
      { file: "assets/index.js", bytes: 400_000, gzipBytes: 120_000 },
      { file: "assets/ns.js", bytes: 900, gzipBytes: 400 },
      { file: "assets/jsx-runtime.js", bytes: 8_300, gzipBytes: 3_200 },
    ];
    expect(judgeInitialSize(files, 123_600)).toMatchObject({ totalGzip: 123_600, ok: true });
    const over = judgeInitialSize(files, 123_599);
    expect(over.ok).toBe(false);
    const lines = formatSizeReport(over);
    expect(lines[1]).toContain("assets/index.js");
    expect(lines[2]).toContain("assets/jsx-runtime.js");
    expect(lines[3]).toContain("assets/ns.js");
    expect(lines.at(-1)).toBe("  total gzip 123.6 kB of at most 123.6 kB: TOO BIG (split a view behind a dynamic import(), or drop a dependency)");
  });
});
