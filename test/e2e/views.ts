// What the user sees of ICL Probe's views in the workbench, read the way the scenarios need it:
// the status-bar item, the editor-title action, the code lenses, the results panel and the side
// panel's webview documents, the end-of-line results, settings written as the user would.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { resultsFiles, type ResultsOnDisk } from "./flows";
import { clickCodeLens, codeLensTitles, findWebview, pickQuickItem, runCommand, sleep, waitUntil, webviewDocuments, type Session } from "./harness";

/** The ICL Probe status-bar item's text (codicons as VS Code renders them: icon elements, no text). */
export async function statusBarText(page: Page): Promise<string> {
  const item = page.locator('.statusbar-item[id$="iclProbe.status"]').first();
  return ((await item.innerText().catch(() => "")) || "").replace(/\s+/g, " ").trim();
}

/** The editor title's ICL Probe action (Run Probe or Cancel Running Probe), by its label. */
export async function editorTitleActions(page: Page): Promise<string[]> {
  return page
    .locator(".editor-group-container.active .editor-actions .action-label")
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? e.getAttribute("title") ?? "").filter((x) => /ICL Probe|Probe/.test(x)));
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
  return findWebview(
    page,
    async (f) => (await f.locator('body[data-view="panel"]').count()) > 0 && (await f.locator('[data-testid="run-column"], [data-testid="empty-state"]').count()) > 0,
    "the results panel",
    timeout,
  );
}

/** The panel frame if it is open now (no waiting). */
export async function panelFrameNow(page: Page): Promise<Frame | undefined> {
  for (const f of webviewDocuments(page))
    if (
      (await f
        .locator('body[data-view="panel"]')
        .count()
        .catch(() => 0)) > 0
    )
      return f;
  return undefined;
}

/**
 * The end-of-line results of the active editor, as drawn: VS Code renders a decoration's
 * after-text as CSS content of an inline element, so it is read from the computed ::after style.
 */
export async function lineResultTexts(page: Page): Promise<string[]> {
  return page
    .locator(".editor-group-container.active .monaco-editor .view-lines")
    .first()
    .evaluate((root) => {
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

/** Switches the colour theme the way a user does (Preferences: Color Theme) and waits for the webviews to get it. */
export async function setTheme(page: Page, theme: string, bodyClass: "vscode-light" | "vscode-dark" | "vscode-high-contrast"): Promise<void> {
  await runCommand(page, "Preferences: Color Theme");
  const input = page.locator(".quick-input-widget .quick-input-box input").first();
  await input.fill(theme);
  await pickQuickItem(page, new RegExp(theme.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await waitUntil(
    async () => {
      const docs = webviewDocuments(page);
      if (docs.length === 0) return true;
      for (const f of docs) if (!(await f.evaluate((c) => document.body.classList.contains(c), bodyClass).catch(() => true))) return false;
      return true;
    },
    `every webview to switch to ${theme}`,
    30_000,
  );
}

/** The colour of a chart's tick labels and title as Chart.js resolved them, and the frame's --vscode-foreground. */
export async function chartColours(frame: Frame, testid: string): Promise<{ ticks: string; title: string; foreground: string; themeApplied: string }> {
  return frame.evaluate((id) => {
    const w = window as unknown as { __iclCharts?: Set<{ canvas: HTMLCanvasElement | null; scales: Record<string, { options: { ticks: { color: unknown }; title: { color: unknown } } }> }> };
    const c = [...(w.__iclCharts ?? [])].find((x) => x.canvas?.isConnected && x.canvas.getAttribute("data-testid") === id);
    if (!c) throw new Error(`no live chart ${id}`);
    const y = c.scales.y?.options;
    if (!y) throw new Error(`chart ${id} has no y scale`);
    return {
      ticks: String(y.ticks.color),
      title: String(y.title.color),
      foreground: getComputedStyle(document.body).getPropertyValue("--vscode-foreground").trim(),
      themeApplied: document.body.dataset.themeApplied ?? "0",
    };
  }, testid);
}

/** WCAG contrast ratio of an element's text colour against the first opaque background behind it. */
export async function textContrast(frame: Frame, selector: string): Promise<{ ratio: number; color: string; background: string }> {
  // A view redrawn between locating and reading gives no style: read again.
  return waitUntil(() => contrastOnce(frame, selector).then((c) => (Number.isFinite(c.ratio) ? c : undefined)), `the contrast of ${selector}`, 10_000);
}

function contrastOnce(frame: Frame, selector: string): Promise<{ ratio: number; color: string; background: string }> {
  return frame
    .locator(selector)
    .first()
    .evaluate((e) => {
      const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = (rgb: number[]) => {
        // A colour that does not parse gives NaN, which textContrast reads again.
        const [r = NaN, g = NaN, b = NaN] = rgb.slice(0, 3).map((v) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const color = getComputedStyle(e).color;
      let bg = "rgb(255, 255, 255)";
      for (let n: Element | null = e; n; n = n.parentElement) {
        const b = getComputedStyle(n).backgroundColor;
        const p = parse(b);
        if (p.length >= 3 && (p[3] ?? 1) > 0.5) {
          bg = b;
          break;
        }
      }
      const [text, back] = [lum(parse(color)), lum(parse(bg))];
      return { ratio: (Math.max(text, back) + 0.05) / (Math.min(text, back) + 0.05), color, background: bg };
    });
}

/**
 * Clicks the Run probe lens and waits until the probe has visibly started (a new results file, or
 * the status bar busy); clicks again if the lens was being redrawn when it was clicked.
 */
export async function startProbe(page: Page, workspace: string, before: readonly ResultsOnDisk[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await clickCodeLens(page, /run probe/i);
    const started = await waitUntil(async () => resultsFiles(workspace).length > before.length || /ICL/.test(await statusBarText(page)) || undefined, "the probe to start", 15_000, 200).catch(
      () => undefined,
    );
    if (started) return;
  }
  throw new Error("clicking Run probe did not start a probe (3 attempts)");
}

/** Closes every notification toast (they cover the lower right of the results panel). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, "Notifications: Clear All Notifications").catch(() => undefined);
  await sleep(300);
}
