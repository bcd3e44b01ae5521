/**
 * The Sequence view, driven as a user sees it: the "Sequence" tab beside Timeline and XML console,
 * its lanes (a list named "Participants"), its rows (a listbox of options named by describeRow),
 * and its Export buttons (downloads, read back as text).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";

export type SequenceExport = "SVG" | "Mermaid";

export class SequenceView {
  constructor(readonly page: Page) {}

  region(): Locator {
    return this.page.getByRole("region", { name: "Sequence", exact: true });
  }

  async open(): Promise<Locator> {
    const tab = this.page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Sequence/ });
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true");
    await expect(this.region()).toBeVisible();
    return this.region();
  }

  /** The lanes' accessible names, e.g. `alice/phone (account resource)`. */
  async participants(): Promise<string[]> {
    const items = this.region().getByRole("list", { name: "Participants" }).getByRole("listitem");
    const names: string[] = [];
    for (const item of await items.all()) names.push((await item.getAttribute("aria-label")) ?? "");
    return names;
  }

  /** The lanes' display names (what the exports must name). */
  async participantLabels(): Promise<string[]> {
    return this.region().locator(".seq-participant-name").allTextContents();
  }

  list(): Locator {
    return this.region().getByRole("listbox", { name: /^Sequence diagram/ });
  }

  /** Rendered rows of one kind: an arrow kind (`publish`, `message`, `delivery`, …), `note` or `collapsed`. */
  rows(kind: string): Locator {
    return this.list().locator(`[role="option"][data-kind="${kind}"]`);
  }

  async setScope(scope: "whole session" | "rows on screen"): Promise<void> {
    await this.region().getByLabel("Export scope", { exact: true }).selectOption({ label: scope });
  }

  /** Click an Export button; the download is saved under its suggested name in `dir` and returned as text. */
  async export(format: SequenceExport, dir: string): Promise<{ fileName: string; text: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.region().getByRole("group", { name: "Export" }).getByRole("button", { name: format, exact: true }).click(),
    ]);
    const fileName = download.suggestedFilename();
    const path = join(dir, fileName);
    await download.saveAs(path);
    await expect(this.region().getByRole("status", { name: "Export result" })).toContainText(`Downloaded ${fileName}`);
    return { fileName, text: await readFile(path, "utf8") };
  }
}
