/**
 * Timings taken inside the page: each function is serialised by Playwright's `page.evaluate`, so
 * it is self-contained and returns plain numbers (performance.now() in the page's clock).
 */
import type { Page } from "playwright-core";

export interface Timed {
  /** Page clock at the start and the end of the measured span. */
  start: number;
  end: number;
}

/** Click Send and time until a push row that was not there before is in the timeline's DOM. */
export function sendUntilPushRow(page: Page, timeoutMs = 10_000): Promise<Timed & { frameAt: number }> {
  return page.evaluate(async (timeout) => {
    const list = document.querySelector('[role="listbox"][aria-label="Timeline events"]');
    const button = document.querySelector<HTMLButtonElement>('form[aria-label="Send a message"] button[type="submit"]');
    if (!list || !button) throw new Error("timeline list or Send button not found");
    const seen = new Set(Array.from(list.querySelectorAll('[data-kind="push"]'), (e) => e.id));
    return await new Promise<{ start: number; end: number; frameAt: number }>((resolve, reject) => {
      const start = performance.now();
      const observer = new MutationObserver(() => {
        for (const el of list.querySelectorAll('[data-kind="push"]')) {
          if (seen.has(el.id)) continue;
          const end = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          resolve({ start, end, frameAt: window.__bench.lastPublishAt });
          return;
        }
      });
      observer.observe(list, { childList: true, subtree: true });
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`no new push row within ${timeout} ms`));
      }, timeout);
      button.click();
    });
  }, timeoutMs);
}

/**
 * Click a button (found by selector and exact text start) and time until `selector`'s text matches
 * `pattern`, checked every frame. Resolves with the span, or the text seen last on timeout.
 */
export function clickUntilText(page: Page, click: { selector: string; text?: string }, watch: { selector: string; pattern?: string; atLeast?: number }, timeoutMs: number): Promise<Timed & { text: string; timedOut: boolean }> {
  return page.evaluate(
    async ({ click, watch, timeoutMs }) => {
      const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>(click.selector));
      const button = click.text === undefined ? buttons[0] : buttons.find((b) => (b.textContent ?? "").trim().startsWith(click.text!));
      if (!button) throw new Error(`no button ${click.selector} ${click.text ?? ""}`);
      const re = watch.pattern === undefined ? null : new RegExp(watch.pattern);
      const read = () => Array.from(document.querySelectorAll(watch.selector), (e) => e.textContent ?? "").join(" | ");
      // `atLeast`: the text's leading number reached it (counters that may overshoot).
      const done = (text: string) => (re ? re.test(text) : Number(/^\s*(\d+)/.exec(text)?.[1] ?? -1) >= (watch.atLeast ?? Infinity));
      return await new Promise<{ start: number; end: number; text: string; timedOut: boolean }>((resolve) => {
        const start = performance.now();
        const check = () => {
          const text = read();
          if (done(text)) return resolve({ start, end: performance.now(), text, timedOut: false });
          if (performance.now() - start > timeoutMs) return resolve({ start, end: performance.now(), text, timedOut: true });
          requestAnimationFrame(check);
        };
        button.click();
        check();
      });
    },
    { click, watch, timeoutMs },
  );
}

/** Wait until `selector`'s text matches, from a page-clock start given by the caller's probe. */
export function untilText(page: Page, selector: string, pattern: string, timeoutMs: number): Promise<{ end: number; text: string; timedOut: boolean }> {
  return page.evaluate(
    async ({ selector, pattern, timeoutMs }) => {
      const re = new RegExp(pattern);
      const t0 = performance.now();
      return await new Promise<{ end: number; text: string; timedOut: boolean }>((resolve) => {
        const check = () => {
          const text = Array.from(document.querySelectorAll(selector), (e) => e.textContent ?? "").join(" | ");
          if (re.test(text)) return resolve({ end: performance.now(), text, timedOut: false });
          if (performance.now() - t0 > timeoutMs) return resolve({ end: performance.now(), text, timedOut: true });
          requestAnimationFrame(check);
        };
        check();
      });
    },
    { selector, pattern, timeoutMs },
  );
}

/** Per keystroke of `typeSearch`, in milliseconds from the input event. */
export interface KeyTiming {
  /** The footer shows the complete result (no "searching…") in the DOM: the page's work for the key. */
  complete: number;
  /** The first frame after that (what a screen shows, aligned to the display's frames). */
  completeFrame: number;
  /** The footer first changed (the first slice's matches), or the first frame when it did not change. */
  first: number;
  /** The input event's own task: the synchronous part of the key on the page's thread. */
  sync: number;
}

/**
 * Type `needle` into the timeline search one character at a time, as input events. Per keystroke:
 * when the footer shows the complete result in the DOM (no "searching…": a search over a big view
 * runs in slices and shows its first matches before the rest), seen by a MutationObserver rather
 * than by frames (a frame-by-frame check cannot read below one frame, ~16.7 ms); the next frame
 * after it; and when the footer first changed.
 */
export function typeSearch(page: Page, needle: string): Promise<{ keys: KeyTiming[]; start: number; end: number }> {
  return page.evaluate(async (needle) => {
    const input = document.querySelector<HTMLInputElement>('input[type="search"]#timeline-search');
    const footerEl = document.querySelector(".timeline-footer");
    if (!input || !footerEl) throw new Error("timeline search box or footer not found");
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
    const footer = () => footerEl.querySelector("span")?.textContent ?? "";
    const frame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
    const keys: { complete: number; completeFrame: number; first: number; sync: number }[] = [];
    const start = performance.now();
    for (let i = 1; i <= needle.length; i++) {
      await frame();
      const before = footer();
      let changedAt: number | null = null;
      let completeAt: number | null = null;
      const look = () => {
        const text = footer();
        const now = performance.now();
        if (changedAt === null && text !== before) changedAt = now;
        if (completeAt === null && !text.includes("searching")) completeAt = now;
      };
      const observer = new MutationObserver(look);
      observer.observe(footerEl, { childList: true, subtree: true, characterData: true });
      const t0 = performance.now();
      setValue.call(input, needle.slice(0, i));
      input.dispatchEvent(new Event("input", { bubbles: true }));
      // React renders a discrete event's update in a microtask of the event: read after it.
      await Promise.resolve();
      const sync = performance.now() - t0;
      look();
      // A sliced or off-thread search answers a little later: wait for it, then a few frames more.
      let completeFrame: number | null = null;
      for (let f = 0; f < 300 && (completeFrame === null || f < 20); f++) {
        const now = await frame();
        if (completeFrame === null && completeAt !== null) completeFrame = now;
      }
      observer.disconnect();
      keys.push({ complete: (completeAt ?? Number.NaN) - t0, completeFrame: (completeFrame ?? Number.NaN) - t0, first: (changedAt ?? t0 + sync) - t0, sync });
    }
    return { keys, start, end: performance.now() };
  }, needle);
}

export function longTasks(page: Page): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(() => window.__bench.longTasks.slice());
}

export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * Press `key` `presses` times on the timeline's listbox (keydown events, as the keyboard sends):
 * per press, the time until the selection moved in the DOM (aria-activedescendant), and until the
 * next frame after it.
 */
export function pressListKeys(page: Page, key: string, presses: number): Promise<{ moved: number[]; frame: number[] }> {
  return page.evaluate(
    async ({ key, presses }) => {
      const list = document.querySelector<HTMLElement>('[role="listbox"][aria-label="Timeline events"]');
      if (!list) throw new Error("timeline list not found");
      list.focus();
      const next = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
      const moved: number[] = [];
      const frame: number[] = [];
      for (let i = 0; i < presses; i++) {
        await next();
        const before = list.getAttribute("aria-activedescendant");
        let movedAt: number | null = null;
        const observer = new MutationObserver(() => {
          if (movedAt === null && list.getAttribute("aria-activedescendant") !== before) movedAt = performance.now();
        });
        observer.observe(list, { attributes: true, attributeFilter: ["aria-activedescendant"] });
        const t0 = performance.now();
        list.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
        const shown = await next();
        observer.disconnect();
        moved.push((movedAt ?? Number.NaN) - t0);
        frame.push(shown - t0);
      }
      return { moved, frame };
    },
    { key, presses },
  );
}
