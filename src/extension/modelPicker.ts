// Model picker: GGUF files in the workspace, recently used, the configured one, the embedded
// default, "Browse...", "Download..." and "OpenAI-compatible server..." (a model served by vLLM
// or SGLang, docs/REMOTE.md). Each GGUF entry shows size, architecture and quantization read by
// the one GGUF pre-check (engine/ggufCheck.ts, node-llama-cpp's pure-JS readGgufFileInfo):
// node-llama-cpp's native part never loads in the host.
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { describeGgufFile, type GgufSummary } from "../engine/ggufCheck";
import { formatBytes } from "../core/format";
import { defaultModelPath } from "../engine/defaultModel";
import { showError, log } from "./log";
import { describeSpec, parseRemoteSpec, SPEC_SYNTAX, specProblem } from "../remote/spec";
import { RemoteEngine } from "../remote/engine";
import { EngineFailure } from "../engine/protocol";
import { getServerKey } from "./serverKeys";

const RECENT_KEY = "iclProbe.recentModels";

export class ModelRegistry {
  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Model path from settings (already filtered by workspace trust), or undefined. */
    private readonly configured: () => string | undefined,
    /** A served model's spec from settings (iclProbe.remote.*), or undefined. */
    private readonly remote: () => string | undefined = () => undefined,
  ) {}

  /**
   * The model a probe uses: a served model when iclProbe.remote.url is set (`remote` is its spec
   * and `path` what may be shown: API, host and model), else the configured path, else the
   * embedded default.
   */
  current(): { path: string; isDefault: boolean; remote?: string } {
    const r = this.remote();
    if (r) return { path: describeSpec(parseRemoteSpec(r)), isDefault: false, remote: r };
    const c = this.configured();
    if (c) return { path: expandHome(c), isDefault: false };
    return { path: this.defaultPath(), isDefault: true };
  }

  defaultPath(): string {
    return defaultModelPath(this.context.extensionPath + "/dist");
  }

  displayName(): string {
    const c = this.current();
    if (c.remote) {
      const spec = parseRemoteSpec(c.remote);
      return `${spec.model ?? "served model"} @ ${spec.host}`;
    }
    return c.isDefault ? `${basename(c.path)} (default)` : basename(c.path);
  }

  recent(): string[] {
    return this.context.globalState.get<string[]>(RECENT_KEY, []).filter((p) => typeof p === "string");
  }

  async remember(path: string): Promise<void> {
    const list = [path, ...this.recent().filter((p) => p !== path)].slice(0, 8);
    await this.context.globalState.update(RECENT_KEY, list);
  }

  /** Stores the choice in the user's settings (modelPath is machine-scoped; "" = default); a GGUF choice ends the use of a server. */
  async select(path: string | undefined): Promise<void> {
    const cfg = vscode.workspace.getConfiguration("iclProbe");
    await cfg.update("modelPath", path ?? "", vscode.ConfigurationTarget.Global);
    if (cfg.get<string>("remote.url")) await cfg.update("remote.url", "", vscode.ConfigurationTarget.Global);
    if (path) await this.remember(path);
  }

  /** Selects a served model: iclProbe.remote.url (without "#model") and iclProbe.remote.model, in the user's settings. */
  async selectRemote(url: string, model: string | undefined): Promise<void> {
    const cfg = vscode.workspace.getConfiguration("iclProbe");
    const hash = url.indexOf("#");
    await cfg.update("remote.url", hash >= 0 ? url.slice(0, hash) : url, vscode.ConfigurationTarget.Global);
    await cfg.update("remote.model", model ?? "", vscode.ConfigurationTarget.Global);
  }
}

function expandHome(p: string): string {
  return p.startsWith("~/") ? (process.env.HOME ?? "~") + p.slice(1) : p;
}

interface ModelItem extends vscode.QuickPickItem {
  action?: "browse" | "download" | "remote" | "current-remote";
  path?: string;
  isDefault?: boolean;
}

function describe(h: GgufSummary): string {
  return `${formatBytes(h.sizeBytes)} · ${h.architecture} · ${h.quantization}${h.vocabSize ? ` · vocab ${h.vocabSize}` : ""}`;
}

async function itemFor(path: string, label: string, extra?: string): Promise<ModelItem> {
  try {
    const h = await describeGgufFile(path);
    return { label, description: describe(h), detail: extra ? `${extra} — ${path}` : path, path };
  } catch (e) {
    return { label: `$(warning) ${label}`, description: "unreadable", detail: `${(e as Error).message}`, path };
  }
}

/** Shows the picker; returns true when a model was selected. */
export async function pickModel(models: ModelRegistry, trusted: boolean, secrets: vscode.SecretStorage): Promise<boolean> {
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
    if (configured.remote)
      entries.push(
        { label: "Configured", kind: vscode.QuickPickItemKind.Separator },
        { label: `$(check) $(server) ${models.displayName()}`, description: "served model", detail: configured.path, action: "current-remote" },
      );
    else if (!configured.isDefault) await add(configured.path, basename(configured.path), "configured", "Configured");
    for (const r of models.recent()) if (existsSync(r)) await add(r, basename(r), "recent", "Recent");
    // In an untrusted workspace its files are listed only as something the user may choose.
    const found = await vscode.workspace.findFiles("**/*.gguf", "**/node_modules/**", 50);
    for (const u of found) await add(u.fsPath, basename(u.fsPath), trusted ? "workspace" : "workspace (untrusted: used only if you choose it)", "Workspace");
    entries.push(
      { label: "", kind: vscode.QuickPickItemKind.Separator },
      { label: "$(folder-opened) Browse...", action: "browse", alwaysShow: true },
      { label: "$(cloud-download) Download...", action: "download", alwaysShow: true, description: "hf: URI or URL" },
      { label: "$(server) OpenAI-compatible server...", action: "remote", alwaysShow: true, description: "vLLM or SGLang, on any number of GPUs" },
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
  if (choice.action === "current-remote") return true;
  if (choice.action === "remote") return pickServer(models, secrets);
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
    const h = await describeGgufFile(path);
    await models.select(isDefault ? undefined : path);
    log().info(`model selected: ${path} (${describe(h)})`);
    return true;
  } catch (e) {
    await showError(`Cannot use ${basename(path)} as a model`, e);
    return false;
  }
}

/**
 * "OpenAI-compatible server...": asks for the server's URL, lists its served models (with the
 * key stored for that server, if any) and selects one. Nothing is stored when the server cannot
 * be reached or refuses; the error says why.
 */
async function pickServer(models: ModelRegistry, secrets: vscode.SecretStorage): Promise<boolean> {
  const current = models.current().remote;
  const url = await vscode.window.showInputBox({
    title: "ICL Probe: OpenAI-compatible server (vLLM, SGLang)",
    prompt: `The server's URL: ${SPEC_SYNTAX}. The API key, if it needs one: ICL Probe: Set API Key for Server...`,
    value: current ?? "http://127.0.0.1:8000/v1",
    ignoreFocusOut: true,
    validateInput: specProblem,
  });
  if (!url) return false;
  const spec = parseRemoteSpec(url);
  let served;
  try {
    served = await RemoteEngine.listModels(spec, { apiKey: await getServerKey(secrets, url) });
  } catch (e) {
    const refused = e instanceof EngineFailure && e.code === "remote-refused";
    const choice = await showError(`Cannot use the server at ${spec.host}`, e, ...(refused ? ["Set API key"] : []));
    if (choice === "Set API key" && (await vscode.commands.executeCommand<boolean>("iclProbe.setServerApiKey", url))) return pickServer(models, secrets);
    return false;
  }
  let model = spec.model;
  if (model && !served.some((m) => m.id === model)) {
    await showError(`Cannot use the server at ${spec.host}`, new Error(`it does not serve "${model}" (it serves ${served.map((m) => m.id).join(", ") || "no model"})`));
    return false;
  }
  if (!model) {
    const [first] = served;
    if (!first) {
      await showError(`Cannot use the server at ${spec.host}`, new Error("it serves no model"));
      return false;
    }
    model =
      served.length === 1
        ? first.id
        : (
            await vscode.window.showQuickPick(
              served.map((m) => ({ label: m.id, description: m.maxModelLen ? `context ${m.maxModelLen} tokens` : undefined })),
              { title: `Models served at ${spec.host}`, ignoreFocusOut: true },
            )
          )?.label;
    if (!model) return false;
  }
  await models.selectRemote(url, model);
  log().info(`model selected: ${model} on ${spec.host} (${spec.api === "auto" ? "API detected at the first probe" : spec.api})`);
  return true;
}
