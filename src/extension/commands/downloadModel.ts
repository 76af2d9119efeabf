// ICL Probe: Download Model... — a short list of small GGUF models (size, licence, sha256; see
// modelCatalog.ts) and "Other address..." for an hf: URI or URL. Nothing is fetched until the user
// picks. The file goes into the extension's global storage in a cancellable progress
// notification; the sha256 of a listed model is checked. Messages say what happened once
// (no "download failed: download failed"), claim a resumable partial file only when one was
// kept, and a failure offers Retry.
import * as vscode from "vscode";
import { join } from "node:path";
import { downloadModel as download, findChildScript, partialDownloads, validateModelUri, DownloadError } from "../download";
import { loadCatalog, type CatalogModel } from "../modelCatalog";
import { formatBytes, formatDuration } from "../../core/format";
import { selectModelPath } from "../modelPicker";
import { showError, log } from "../log";
import type { CommandModule, Services } from "../services";

interface Target {
  uri: string;
  fileName?: string;
  sha256?: string;
  name: string;
}

type Item = vscode.QuickPickItem & { model?: CatalogModel; other?: boolean };

/** The picker: the listed models, then "Other address...". */
async function pickTarget(): Promise<Target | undefined> {
  let catalog: readonly CatalogModel[];
  try {
    catalog = loadCatalog();
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    catalog = [];
  }
  const items: Item[] = [
    ...catalog.map((m) => ({ label: m.name, description: `${m.size} · ${m.licence}`, detail: `${m.about} · sha256 ${m.sha256.slice(0, 12)}…`, model: m })),
    { label: "", kind: vscode.QuickPickItemKind.Separator },
    { label: "$(link) Other address (hf: URI or URL)...", other: true, alwaysShow: true },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: "ICL Probe: Download Model",
    placeHolder: "Small GGUF models (download size · licence); the file is checked against its sha256",
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.model) return { uri: pick.model.uri, fileName: pick.model.fileName, sha256: pick.model.sha256, name: pick.model.name };
  const uri = await vscode.window.showInputBox({
    title: "ICL Probe: Download Model",
    prompt: "A Hugging Face URI (hf:<user>/<repo>:<quant>) or an http(s) URL of a .gguf file",
    placeHolder: "hf:user/repo:Q4_K_M",
    ignoreFocusOut: true,
    validateInput: (v) => validateModelUri(v),
  });
  return uri ? { uri: uri.trim(), name: uri.trim() } : undefined;
}

async function run(s: Services, t: Target): Promise<void> {
  const dirPath = join(s.context.globalStorageUri.fsPath, "models");
  const started = Date.now();
  let got = 0;
  let total = 0;
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ICL Probe: downloading ${t.name}`, cancellable: true }, (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let lastPct = 0;
      return download({
        uri: t.uri,
        dirPath,
        ...(t.fileName ? { fileName: t.fileName } : {}),
        ...(t.sha256 ? { sha256: t.sha256 } : {}),
        signal: ac.signal,
        childScript: findChildScript(s.context.extensionPath),
        onStart: (size, already) => {
          total = size;
          if (already > 0) log().info(`resuming the download of ${t.uri} at ${formatBytes(already)} of ${formatBytes(size)}`);
        },
        onProgress: (p) => {
          got = p.downloadedBytes;
          total = p.totalBytes;
          const pct = p.totalBytes ? (100 * p.downloadedBytes) / p.totalBytes : 0;
          progress.report({
            increment: pct - lastPct,
            message: `${formatBytes(p.downloadedBytes)} of ${formatBytes(p.totalBytes)}${p.etaSeconds !== undefined ? ` · ${formatDuration(p.etaSeconds)} left` : ""}`,
          });
          lastPct = pct;
        },
      });
    });
    log().info(`downloaded ${result.path} (${result.header.architecture}, ${result.header.quantization}${t.sha256 ? ", sha256 checked" : ""})`);
    const c = await vscode.window.showInformationMessage(
      `Downloaded ${result.path} (${formatBytes(result.header.sizeBytes)}, ${result.header.architecture}, ${result.header.quantization}${t.sha256 ? ", sha256 checked" : ""}).`,
      "Use this model",
    );
    if (c === "Use this model") await selectModelPath(s.models, result.path);
  } catch (e) {
    const kept = partialDownloads(dirPath, started).length > 0;
    const sofar = got > 0 ? ` after ${formatBytes(got)}${total ? ` of ${formatBytes(total)}` : ""}` : "";
    if (e instanceof DownloadError && e.code === "cancelled") {
      const msg = kept
        ? `Download of ${t.name} cancelled${sofar}; the part saved so far is kept, and downloading it again resumes from there.`
        : `Download of ${t.name} cancelled${sofar}; nothing was kept.`;
      if ((await vscode.window.showInformationMessage(msg, "Download again")) === "Download again") await run(s, t);
      return;
    }
    const why = e instanceof Error ? e.message : String(e);
    const choice = await showError(`ICL Probe: download of ${t.name} failed${sofar}`, new Error(kept ? `${why} (the part saved so far is kept; Retry resumes from there)` : why), "Retry");
    if (choice === "Retry") await run(s, t);
  }
}

export const downloadModel: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.downloadModel", async (arg?: unknown) => {
    let target: Target | undefined;
    if (typeof arg === "string") {
      const bad = validateModelUri(arg);
      if (bad) return void vscode.window.showErrorMessage(bad);
      target = { uri: arg.trim(), name: arg.trim() };
    } else target = await pickTarget();
    if (target) await run(s, target);
  });
