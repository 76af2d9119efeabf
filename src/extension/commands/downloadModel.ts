// ICL Probe: Download Model... — hf: URI or URL into the extension's global storage, in a
// cancellable progress notification; a cancelled download resumes on the next attempt.
import * as vscode from "vscode";
import { join } from "node:path";
import { downloadModel as download, findChildScript, validateModelUri, DownloadError } from "../download";
import { formatBytes, formatDuration } from "../../core/format";
import { selectModelPath } from "../modelPicker";
import { showError, log } from "../log";
import type { CommandModule } from "../services";

export const downloadModel: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.downloadModel", async (arg?: unknown) => {
    const uri =
      typeof arg === "string"
        ? arg
        : await vscode.window.showInputBox({
            title: "ICL Probe: Download Model",
            prompt: "A Hugging Face URI (hf:<user>/<repo>:<quant>) or an http(s) URL of a .gguf file",
            placeHolder: "hf:user/repo:Q4_K_M",
            ignoreFocusOut: true,
            validateInput: (v) => validateModelUri(v),
          });
    if (!uri) return;
    const bad = validateModelUri(uri);
    if (bad) return void vscode.window.showErrorMessage(bad);
    const dirPath = join(s.context.globalStorageUri.fsPath, "models");
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: "ICL Probe: downloading model", cancellable: true },
        (progress, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          let lastPct = 0;
          return download({
            uri,
            dirPath,
            signal: ac.signal,
            childScript: findChildScript(s.context.extensionPath),
            onStart: (total, already) => {
              if (already > 0) log().info(`resuming download of ${uri} at ${formatBytes(already)} of ${formatBytes(total)}`);
            },
            onProgress: (p) => {
              const pct = p.totalBytes ? (100 * p.downloadedBytes) / p.totalBytes : 0;
              progress.report({
                increment: pct - lastPct,
                message: `${formatBytes(p.downloadedBytes)} of ${formatBytes(p.totalBytes)}${p.etaSeconds !== undefined ? ` · ${`${formatDuration(p.etaSeconds)} left`}` : ""}`,
              });
              lastPct = pct;
            },
          });
        },
      );
      log().info(`downloaded ${result.path} (${result.header.architecture}, ${result.header.quantization})`);
      const c = await vscode.window.showInformationMessage(`Downloaded ${result.path} (${formatBytes(result.header.sizeBytes)}, ${result.header.architecture}, ${result.header.quantization}).`, "Use this model");
      if (c === "Use this model") await selectModelPath(s.models, result.path);
    } catch (e) {
      if (e instanceof DownloadError && e.code === "cancelled") {
        void vscode.window.showInformationMessage("Download cancelled; run Download Model again with the same address to resume.");
        return;
      }
      await showError("ICL Probe: download failed", e);
    }
  });
