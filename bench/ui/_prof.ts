(globalThis as any).__diag = 1;
import { chromium } from "playwright-core";
import { startPreview } from "./app-server";
import { openPage, setUpPushing } from "./scenarios";
import { clickUntilText } from "./in-page";

const mode = process.argv[2] ?? "burst";
const server = await startPreview(4217);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const a = await openPage(browser, server.url);
  await setUpPushing(a.pg, "prof");
  const form = a.page.getByRole("form", { name: "Send a message" });
  await form.getByLabel("Burst size", { exact: true }).fill("300");
  await a.cdp.send("Profiler.enable");
  await a.cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await a.cdp.send("Profiler.start");
  const r = await clickUntilText(a.page, { selector: 'form[aria-label="Send a message"] button[type="submit"]' }, { selector: ".app-header .badge-push", atLeast: 300 }, 60000);
  const { profile } = await a.cdp.send("Profiler.stop");
  console.log("burst ms", r.end - r.start, r.timedOut);
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const n = byId.get(samples[i]!)!;
    const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  // inclusive times
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    }
  }
  console.log("SELF"); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(1).padStart(8), k);
  console.log("INCL"); for (const [k, v] of [...incl].filter(([k]) => /^[A-Z]|^use|select|scan|filter|derive|plan|predict/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(v.toFixed(1).padStart(8), k);
  await a.close();
} finally {
  await browser.close();
  await server.stop();
}
