// @vitest-environment jsdom
import { SaxesParser } from "saxes";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildSequence } from "../../sequence";
import { LANES, walkThrough } from "../../sequence/test-events";
import { currentTheme, exportSequence, type ExportRequest } from "./sequence-export";

const model = buildSequence(walkThrough().events, { lanes: LANES });
const request = (patch: Partial<ExportRequest>): ExportRequest => ({
  model,
  scope: "session",
  visible: { start: 0, end: 5 },
  format: "svg",
  theme: "light",
  selectedEventId: null,
  at: Date.UTC(2026, 0, 15, 9, 30),
  ...patch,
});

afterEach(() => {
  delete document.documentElement.dataset.theme;
  vi.unstubAllGlobals();
});

describe("exportSequence", () => {
  it("exports the whole session or only the rows on screen", () => {
    const whole = exportSequence(request({}));
    const part = exportSequence(request({ scope: "visible", visible: { start: 3, end: 8 } }));
    if (!whole.ok || !part.ok) throw new Error("expected files");
    expect(whole.file.rows).toBe(model.rows.length);
    expect(part.file.rows).toBe(5);
    expect(whole.file.fileName).toMatch(/^xmpp-push-sequence-session-.+\.svg$/);
    expect(part.file.fileName).toMatch(/^xmpp-push-sequence-visible-.+\.svg$/);
    new SaxesParser().write(part.file.text).close();
    expect(part.file.text).toContain("XMPP push sequence (excerpt)");
  });

  it("writes Mermaid as a .mmd text file", () => {
    const result = exportSequence(request({ format: "mermaid" }));
    if (!result.ok) throw new Error("expected a file");
    expect(result.file.mime).toBe("text/plain");
    expect(result.file.fileName).toMatch(/\.mmd$/);
    expect(result.file.text.startsWith("sequenceDiagram\n")).toBe(true);
  });

  it("says why there is nothing to export", () => {
    const empty = buildSequence([], {});
    expect(exportSequence(request({ model: empty }))).toEqual({ ok: false, message: expect.stringMatching(/^Nothing to export yet/) });
    expect(exportSequence(request({ scope: "visible", visible: { start: 5, end: 5 } }))).toEqual({ ok: false, message: expect.stringMatching(/no rows are on screen/) });
  });

  it("draws the SVG in the theme the page shows", () => {
    expect(exportSequence(request({ theme: "dark" }))).toMatchObject({ ok: true, file: { text: expect.stringContaining(`fill="#0d1117"`) } });
    document.documentElement.dataset.theme = "dark";
    expect(currentTheme()).toBe("dark");
    document.documentElement.dataset.theme = "light";
    expect(currentTheme()).toBe("light");
    delete document.documentElement.dataset.theme;
    vi.stubGlobal("matchMedia", (q: string) => ({ matches: q === "(prefers-color-scheme: dark)" }));
    expect(currentTheme()).toBe("dark");
  });
});
