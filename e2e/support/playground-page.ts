/**
 * A page object over the playground's UI, driven only through what a user sees: roles and
 * accessible names (the production build exposes no test hooks). Playwright matches names by
 * substring, so short names (Connect, Disconnect, away, …) always use `exact: true`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, type Download, type Locator, type Page } from "@playwright/test";

export type PresenceShow = "available" | "chat" | "away" | "xa" | "dnd" | "unavailable";

/** The timeline kinds, as the Kinds filter labels them (src/app/model/timeline-events.ts TIMELINE_KINDS). */
export type TimelineKind =
  | "connection"
  | "error"
  | "presence"
  | "disco"
  | "enable"
  | "disable"
  | "message-sent"
  | "message-received"
  | "push"
  | "sink-answer"
  | "remote-disable"
  | "raw-send"
  | "decision";

export interface Accounts {
  account: string;
  sender: string;
  sink: string;
}

/** Usernames no earlier test (or run against the same server) has used: the server registers them on first login. */
export function freshAccounts(tag: string): Accounts {
  const suffix = `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { account: `alice-${suffix}`, sender: `bob-${suffix}`, sink: `pushsvc-${suffix}` };
}

/** Console errors and uncaught exceptions of the page, collected from the moment it is created. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

export class PlaygroundPage {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  async goto(): Promise<void> {
    await this.page.goto("/");
    await expect(this.page).toHaveTitle(/XMPP Push Playground/);
  }

  // -------------------------------------------------------------------------------------------
  // tabs

  async tool(name: "Connection" | "Disco" | "Push" | "Sink" | "Sender"): Promise<Locator> {
    // The Push tab's name carries its badge count ("Push1"), so match the start of the name.
    const tab = this.page.getByRole("tablist", { name: "Tools" }).getByRole("tab", { name: new RegExp(`^${name}`) });
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true");
    return this.page.getByRole("tabpanel", { name: new RegExp(`^${name}`) });
  }

  async showTimeline(): Promise<Locator> {
    const tab = this.page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Timeline/ });
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true");
    return this.page.getByRole("region", { name: "Timeline", exact: true });
  }

  // -------------------------------------------------------------------------------------------
  // connection profile

  /** The WebSocket URL the Connection tab says the profile resolves to. */
  async resolvedService(): Promise<string> {
    const panel = await this.tool("Connection");
    const help = panel.getByText(/^Resolves to /);
    const text = (await help.textContent()) ?? "";
    return text.replace(/^Resolves to /, "").trim();
  }

  async useAccounts(accounts: Accounts): Promise<void> {
    const panel = await this.tool("Connection");
    await panel.getByLabel("Account username", { exact: true }).fill(accounts.account);
    await panel.getByLabel("Sender username", { exact: true }).fill(accounts.sender);
    await panel.getByLabel("Sink username", { exact: true }).fill(accounts.sink);
  }

  /** "Connect all", then wait until every session in the header says connected. */
  async connectAll(): Promise<void> {
    const panel = await this.tool("Connection");
    await panel.getByRole("button", { name: "Connect all", exact: true }).click();
    const sessions = this.page.getByRole("list", { name: "Session status" }).getByRole("listitem");
    const count = await sessions.count();
    expect(count).toBeGreaterThanOrEqual(3);
    await expect(sessions).toHaveText(Array.from({ length: count }, () => /connected$/));
  }

  // -------------------------------------------------------------------------------------------
  // resources

  resource(name: string): Locator {
    return this.page.getByRole("region", { name: `Resource ${name}`, exact: true });
  }

  async addResource(name: string): Promise<void> {
    await this.page.getByLabel("New resource name", { exact: true }).fill(name);
    await this.page.getByRole("button", { name: "Add resource", exact: true }).click();
    await expect(this.resource(name)).toBeVisible();
  }

  async removeResource(name: string): Promise<void> {
    await this.resource(name).getByRole("button", { name: `Remove ${name}`, exact: true }).click();
    await expect(this.resource(name)).toHaveCount(0);
  }

  /** The reachability badge of a resource: not connected, not receiving, online, away. */
  reachability(name: string): Locator {
    return this.resource(name).locator(".resource-state .badge .term");
  }

  /** The README walk-through's devices: the starting r1 and r2 replaced by phone and laptop. */
  async usePhoneAndLaptop(): Promise<void> {
    await this.removeResource("r1");
    await this.removeResource("r2");
    await this.addResource("phone");
    await this.addResource("laptop");
  }

  /**
   * The README walk-through's case once connected: phone enables push with away='true' and goes
   * away, laptop disconnects, bob sends `body`. Returns the registration's node.
   */
  async awayAndGoneThenSend(body: string): Promise<string> {
    const node = await this.enable({ from: "phone", away: true });
    await this.setPresence("phone", "away");
    await this.disconnect("laptop");
    await this.sendMessage(body);
    return node;
  }

  async setPresence(name: string, show: PresenceShow): Promise<void> {
    const group = this.resource(name).getByRole("group", { name: `Send presence from ${name}`, exact: true });
    const button = group.getByRole("button", { name: show, exact: true });
    await button.click();
    await expect(button).toHaveAttribute("aria-pressed", "true");
    const expected = show === "away" || show === "xa" ? "away" : show === "unavailable" ? "not receiving" : "online";
    await expect(this.reachability(name)).toHaveText(expected);
  }

  async disconnect(name: string): Promise<void> {
    const card = this.resource(name);
    await card.getByRole("button", { name: "Disconnect", exact: true }).click();
    await expect(card.getByRole("button", { name: "Connect", exact: true })).toBeVisible();
    await expect(this.reachability(name)).toHaveText("not connected");
  }

  // -------------------------------------------------------------------------------------------
  // push registration

  /** Enable push from a resource; returns the node the registration uses. */
  async enable(options: { from: string; away: boolean }): Promise<string> {
    const panel = await this.tool("Push");
    const form = panel.getByRole("form", { name: "Enable push" });
    const from = form.getByLabel("Send from", { exact: true });
    const option = from.locator("option").filter({ hasText: new RegExp(`/${escapeRegExp(options.from)}$`) });
    await from.selectOption(await option.getAttribute("value") ?? "");
    await form.getByLabel("Push while away (away='true')", { exact: true }).setChecked(options.away);
    const node = await form.getByLabel("Node", { exact: true }).inputValue();
    expect(node).not.toBe("");
    await form.getByRole("button", { name: "Enable push", exact: true }).click();
    await expect(panel.getByRole("status", { name: "Last enable or disable result" })).toContainText("enable succeeded");
    const row = this.registrationRow(panel, node);
    await expect(row).toContainText("active");
    await expect(row.getByRole("cell").nth(1)).toHaveText(options.away ? "yes" : "no");
    return node;
  }

  registrationRow(panel: Locator, node: string): Locator {
    return panel.getByRole("region", { name: "Registrations" }).getByRole("row").filter({ hasText: node });
  }

  async disableNode(node: string): Promise<void> {
    const panel = await this.tool("Push");
    await panel.getByRole("button", { name: `Disable node ${node}`, exact: true }).click();
    await expect(panel.getByRole("status", { name: "Last enable or disable result" })).toContainText("disable succeeded");
  }

  // -------------------------------------------------------------------------------------------
  // sender

  async sendMessage(body: string): Promise<void> {
    const panel = await this.tool("Sender");
    const form = panel.getByRole("form", { name: "Send a message" });
    await form.getByLabel("To", { exact: true }).selectOption("bare");
    await form.getByLabel("Body", { exact: true }).fill(body);
    await form.getByRole("button", { name: "Send message", exact: true }).click();
    await expect(panel.getByRole("status")).toContainText(/^Sent 1 message to /);
  }

  // -------------------------------------------------------------------------------------------
  // timeline

  /** The timeline's list of rows (virtualized: only rows near the view are in the DOM). */
  timelineList(): Locator {
    return this.page.getByRole("listbox", { name: "Timeline events", exact: true });
  }

  /** Rows of one kind among those rendered; narrow with showOnlyKinds() to have them all rendered. */
  timelineRows(kind: TimelineKind): Locator {
    return this.timelineList().locator(`[role="option"][data-kind="${kind}"]`);
  }

  /** The footer's count: "N events" or "N of M events shown". */
  async timelineCounts(): Promise<{ shown: number; total: number }> {
    const footer = this.page.locator(".timeline-footer > span").first();
    const text = (await footer.textContent()) ?? "";
    const filtered = /^(\d+) of (\d+) events shown$/.exec(text);
    if (filtered) return { shown: Number(filtered[1]), total: Number(filtered[2]) };
    const all = /^(\d+) events?$/.exec(text);
    if (!all) throw new Error(`unexpected timeline footer: ${JSON.stringify(text)}`);
    return { shown: Number(all[1]), total: Number(all[1]) };
  }

  /** Keep only these kinds in the timeline (the Kinds filter menu), so every matching row is rendered. */
  async showOnlyKinds(kinds: readonly TimelineKind[]): Promise<void> {
    const timeline = await this.showTimeline();
    const menuButton = timeline.getByRole("button", { name: /^Kinds/ });
    await menuButton.click();
    const group = timeline.getByRole("group", { name: "Filter by kind" });
    const boxes = group.getByRole("checkbox");
    const n = await boxes.count();
    for (let i = 0; i < n; i++) {
      const box = boxes.nth(i);
      const label = ((await box.locator("xpath=..").textContent()) ?? "").trim() as TimelineKind;
      await box.setChecked(kinds.includes(label));
    }
    await menuButton.click();
    await expect(group).toHaveCount(0);
  }

  async showAllKinds(): Promise<void> {
    const timeline = await this.showTimeline();
    const menuButton = timeline.getByRole("button", { name: /^Kinds/ });
    await menuButton.click();
    const showAll = timeline.getByRole("group", { name: "Filter by kind" }).getByRole("button", { name: "Show all", exact: true });
    if (await showAll.isEnabled()) await showAll.click();
    await menuButton.click();
  }

  /** Texts of the rendered rows (time, lane, kind, summary, links), in order. */
  async rowTexts(): Promise<string[]> {
    return this.timelineList().locator('[role="option"]').allTextContents();
  }

  /** The server's decision row for one message (found by the message id in its summary). */
  decisionFor(messageId: string): Locator {
    return this.timelineRows("decision").filter({ hasText: `for message ${messageId}:` });
  }

  /** Select a row and return the event detail pane. */
  async openDetail(row: Locator): Promise<Locator> {
    await row.click();
    await expect(row).toHaveAttribute("aria-selected", "true");
    return this.page.getByRole("region", { name: "Event detail", exact: true });
  }

  /** The `id` of the last message-sent row, read from its detail pane. */
  async lastSentMessageId(): Promise<string> {
    const row = this.timelineRows("message-sent").last();
    const detail = await this.openDetail(row);
    const id = await detail.locator("dt", { hasText: /^id$/ }).locator("xpath=following-sibling::dd[1]").textContent();
    if (!id) throw new Error("the message-sent detail shows no id");
    return id.trim();
  }

  /** The explanation card of the selected message, in the event detail. */
  explanationCard(): Locator {
    return this.page.getByRole("region", { name: "Event detail", exact: true }).getByRole("region", { name: "Why this message was or was not pushed", exact: true });
  }

  /** Press a message row's "Why?" / "Why not pushed?" and return its explanation card. */
  async explain(row: Locator): Promise<Locator> {
    await row.getByRole("button", { name: /^Why/ }).click();
    await expect(row).toHaveAttribute("aria-selected", "true");
    const card = this.explanationCard();
    await expect(card).toBeVisible();
    return card;
  }

  /** Click Export JSON and save the download under its suggested name in `dir`. */
  async exportTimeline(dir: string): Promise<{ download: Download; path: string; events: number }> {
    const timeline = await this.showTimeline();
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      timeline.getByRole("button", { name: "Export JSON", exact: true }).click(),
    ]);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    const doc = JSON.parse(await readFile(path, "utf8")) as { format?: string; events?: unknown[] };
    expect(doc.format).toBe("xmpp-push-playground/timeline");
    return { download, path, events: doc.events?.length ?? 0 };
  }

  async importTimeline(path: string): Promise<void> {
    const timeline = await this.showTimeline();
    await timeline.getByLabel("Timeline file to import", { exact: true }).setInputFiles(path);
    await expect(timeline.getByRole("status").filter({ hasText: /^Viewing imported timeline/ })).toBeVisible();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
