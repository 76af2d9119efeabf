// Model picker: GGUF files in the workspace, recently used, the configured one, the embedded
// default, "Browse..." and "Download...". Each entry shows size, architecture and quantization
// read by the pure-JS header reader (ggufHeader.ts): node-llama-cpp never loads in the host.
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { readGgufHeader, type GgufHeaderInfo } from "./ggufHeader";
import { formatBytes } from "../core/format";
import { defaultModelPath } from "../engine/defaultModel";
import { showError, log } from "./log";

const RECENT_KEY = "iclProbe.recentModels";

export class ModelRegistry {
  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Model path from settings (already filtered by workspace trust), or undefined. */
    private readonly configured: () => string | undefined,
  ) {}

  /** The model a probe uses: the configured path, else the embedded default. */
  current(): { path: string; isDefault: boolean } {
    const c = this.configured();
    if (c) return { path: expandHome(c), isDefault: false };
    return { path: this.defaultPath(), isDefault: true };
  }

  defaultPath(): string {
    return defaultModelPath(this.context.extensionPath + "/dist");
  }

  displayName(): string {
    const c = this.current();
    return c.isDefault ? `${basename(c.path)} (default)` : basename(c.path);
  }

  recent(): string[] {
    return this.context.globalState.get<string[]>(RECENT_KEY, []).filter((p) => typeof p === "string");
  }

  async remember(path: string): Promise<void> {
    const list = [path, ...this.recent().filter((p) => p !== path)].slice(0, 8);
    await this.context.globalState.update(RECENT_KEY, list);
  }

  /** Stores the choice in the user's settings (modelPath is machine-scoped; "" = default). */
  async select(path: string | undefined): Promise<void> {
    await vscode.workspace.getConfiguration("iclProbe").update("modelPath", path ?? "", vscode.ConfigurationTarget.Global);
    if (path) await this.remember(path);
  }
}

function expandHome(p: string): string {
  return p.startsWith("~/") ? (process.env.HOME ?? "~") + p.slice(1) : p;
}

interface ModelItem extends vscode.QuickPickItem {
  action?: "browse" | "download";
  path?: string;
  isDefault?: boolean;
}

function describe(h: GgufHeaderInfo): string {
  return `${formatBytes(h.sizeBytes)} · ${h.architecture} · ${h.quantization}${h.vocabSize ? ` · vocab ${h.vocabSize}` : ""}`;
}

async function itemFor(path: string, label: string, extra?: string): Promise<ModelItem> {
  try {
    const h = await readGgufHeader(path);
    return { label, description: describe(h), detail: extra ? `${extra} — ${path}` : path, path };
  } catch (e) {
    return { label: `$(warning) ${label}`, description: "unreadable", detail: `${(e as Error).message}`, path };
  }
}

/** Shows the picker; returns true when a model was selected. */
export async function pickModel(models: ModelRegistry, trusted: boolean): Promise<boolean> {
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = "ICL Probe: Select Model";
  qp.placeholder = "GGUF model used for probes (size · architecture · quantization)";
  qp.busy = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.show();
  const current = models.current().path;
  const seen = new Set<string>();
  const entries: ModelItem[] = [];
  const add = async (path: string, label: string, extra?: string, sep?: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    if (sep && !entries.some((e) => e.kind === vscode.QuickPickItemKind.Separator && e.label === sep)) {
      entries.push({ label: sep, kind: vscode.QuickPickItemKind.Separator });
    }
    const it = await itemFor(path, (path === current ? "$(check) " : "") + label, extra);
    entries.push(it);
  };
  try {
    const def = models.defaultPath();
    if (existsSync(def)) {
      const it = await itemFor(def, (def === current ? "$(check) " : "") + `${basename(def)} (embedded default)`);
      it.isDefault = true;
      seen.add(def);
      entries.push({ label: "Default", kind: vscode.QuickPickItemKind.Separator }, it);
    }
    const configured = models.current();
    if (!configured.isDefault) await add(configured.path, basename(configured.path), "configured", "Configured");
    for (const r of models.recent()) if (existsSync(r)) await add(r, basename(r), "recent", "Recent");
    // In an untrusted workspace its files are listed only as something the user may choose.
    const found = await vscode.workspace.findFiles("**/*.gguf", "**/node_modules/**", 50);
    for (const u of found) await add(u.fsPath, basename(u.fsPath), trusted ? "workspace" : "workspace (untrusted: used only if you choose it)", "Workspace");
    entries.push(
      { label: "", kind: vscode.QuickPickItemKind.Separator },
      { label: "$(folder-opened) Browse...", action: "browse", alwaysShow: true },
      { label: "$(cloud-download) Download...", action: "download", alwaysShow: true, description: "hf: URI or URL" },
    );
    qp.items = entries;
  } finally {
    qp.busy = false;
  }
  const choice = await new Promise<ModelItem | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  if (!choice) return false;
  if (choice.action === "download") {
    await vscode.commands.executeCommand("iclProbe.downloadModel");
    return false;
  }
  let path = choice.path;
  if (choice.action === "browse") {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "GGUF model": ["gguf"] }, openLabel: "Use this model" });
    path = picked?.[0]?.fsPath;
  }
  if (!path) return false;
  return selectModelPath(models, path, choice.isDefault === true);
}

/** Checks the file's GGUF header before selecting it, so a bad file gives a clear error now. */
export async function selectModelPath(models: ModelRegistry, path: string, isDefault = false): Promise<boolean> {
  try {
    const h = await readGgufHeader(path);
    await models.select(isDefault ? undefined : path);
    log().info(`model selected: ${path} (${describe(h)})`);
    return true;
  } catch (e) {
    await showError(`Cannot use ${basename(path)} as a model`, e);
    return false;
  }
}
