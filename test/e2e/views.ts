// What the user sees of ICL Probe's views in the workbench, read the way the scenarios need it:
// the status-bar item, the editor-title action, the code lenses, the results panel and the side
// panel's webview documents, the end-of-line results, settings written as the user would.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { codeLensTitles, findWebview, sleep, waitUntil, webviewDocuments, type Session } from "./harness";

/** The ICL Probe status-bar item's text (codicons as VS Code renders them: icon elements, no text). */
export async function statusBarText(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item[id$="iclProbe.status"]').first();
  return ((await item.innerText().catch(() => "")) || "").replace(/\s+/g, " ").trim();
}

/** The editor title's ICL Probe action (Run Probe or Cancel Running Probe), by its label. */
export async function editorTitleActions(page: Page): Promise<string[]> {
  return page.locator(".editor-group-container.active .editor-actions .action-label").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? e.getAttribute("title") ?? "").filter((x) => /ICL Probe|Probe/.test(x)));
}

/** Opens the ICL Probe container in the activity bar (the side panel). */
export async function openSidebar(page: Page): Promise<Frame> {
  await page.locator(".activitybar .action-item a[aria-label*='ICL Probe'], .activitybar .action-label[aria-label*='ICL Probe']").first().click();
  return sidebarFrame(page);
}

/** The side panel's webview document (its body says data-view="sidebar"). */
export function sidebarFrame(page: Page, timeout = 30_000): Promise<Frame> {
  return findWebview(page, async (f) => (await f.locator('body[data-view="sidebar"] [data-testid="model-status"]').count()) > 0, "the ICL Probe side panel", timeout);
}

/** The results panel's webview document. */
export function panelFrame(page: Page, timeout = 60_000): Promise<Frame> {
  return findWebview(page, async (f) => (await f.locator('body[data-view="panel"]').count()) > 0 && (await f.locator('[data-testid="run-column"], [data-testid="empty-state"]').count()) > 0, "the results panel", timeout);
}

/** The panel frame if it is open now (no waiting). */
export async function panelFrameNow(page: Page): Promise<Frame | undefined> {
  for (const f of webviewDocuments(page)) if ((await f.locator('body[data-view="panel"]').count().catch(() => 0)) > 0) return f;
  return undefined;
}

/**
 * The end-of-line results of the active editor, as drawn: VS Code renders a decoration's
 * after-text as CSS content of an inline element, so it is read from the computed ::after style.
 */
export async function lineResultTexts(page: Page): Promise<string[]> {
  return page.locator(".editor-group-container.active .monaco-editor .view-lines").first().evaluate((root) => {
    const out: string[] = [];
    for (const e of root.querySelectorAll("span")) {
      const c = getComputedStyle(e, "::after").content;
      if (c && c !== "none" && c !== "normal" && c.length > 2) out.push(JSON.parse(c));
      else if (e.className.includes("ced-") && e.textContent && /k=\d+/.test(e.textContent)) out.push(e.textContent);
    }
    return out;
  });
}

/** Merges `values` into the user's settings (User and Machine files, as the harness writes them) and waits for the extension to have read them. */
export async function setSettings(s: Session, values: Record<string, unknown>, marker?: RegExp): Promise<void> {
  for (const file of [join(s.userDataDir, "User", "settings.json"), join(s.userDataDir, "Machine", "settings.json")]) {
    const cur = JSON.parse(readFileSync(file, "utf8") || "{}") as Record<string, unknown>;
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete cur[k];
      else cur[k] = v;
    }
    writeFileSync(file, JSON.stringify(cur, null, 2));
  }
  if (marker) await waitUntil(() => marker.test(s.exthostLog()), `the extension to read the new settings (${marker})`, 30_000, 300);
  else await sleep(1500);
}

/** Samples `probe` every `every` ms for `samples` times and returns every distinct value seen (to show a state holds). */
export async function samples<T>(probe: () => Promise<T>, samplesN = 10, every = 300): Promise<T[]> {
  const seen: T[] = [];
  for (let i = 0; i < samplesN; i++) {
    seen.push(await probe());
    await sleep(every);
  }
  return seen;
}

/** The code lens titles now (re-exported for the scenarios' imports in one place). */
export { codeLensTitles };
