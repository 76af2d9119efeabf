// Model download for the extension (and tests): runs node-llama-cpp's downloader in a child
// process (see downloadChild.ts for why), relays progress, cancels on an AbortSignal, resumes a
// partial download on the next attempt (the partial file is kept on cancel), and turns network
// failures into a clear "offline" error. After the download the file's GGUF header is checked
// so a wrong URL (an HTML page, a truncated file) is reported instead of being offered as a model.
// No `vscode` import: the command wraps this in withProgress.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DownloadChildEvent, DownloadErrorCode } from "./downloadTypes";
import { readGgufHeader, type GgufHeaderInfo } from "./ggufHeader";

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode | "cancelled",
    message: string,
  ) {
    super(message);
    this.name = "DownloadError";
  }
}

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
  etaSeconds?: number;
}

export interface DownloadOptions {
  /** http(s) URL or `hf:<user>/<repo>:<quant>` / `hf:<user>/<repo>/<file>.gguf`. */
  uri: string;
  dirPath: string;
  fileName?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Called once the size is known: `alreadyDownloaded` > 0 means a resumed download. */
  onStart?: (totalBytes: number, alreadyDownloaded: number) => void;
  /** Path of the compiled downloadChild.js (default: found next to this file or in dist/). */
  childScript?: string;
}

export interface DownloadResult {
  path: string;
  header: GgufHeaderInfo;
  resumedFromBytes: number;
}

/** Checks the user's input before starting a process for it. */
export function validateModelUri(uri: string): string | undefined {
  const u = uri.trim();
  if (!u) return "Enter an http(s) URL or an hf: URI.";
  if (/^hf:[^/\s]+\/[^\s]+$/.test(u)) return undefined;
  if (/^hf:/.test(u)) return "An hf: URI looks like hf:<user>/<repo>:<quant> or hf:<user>/<repo>/<file>.gguf.";
  try {
    const url = new URL(u);
    if (url.protocol !== "https:" && url.protocol !== "http:") return `Only http(s) URLs and hf: URIs are supported (got ${url.protocol}).`;
    return undefined;
  } catch {
    return "Not a valid URL; use https://.../model.gguf or hf:<user>/<repo>:<quant>.";
  }
}

/** The downloader child script: the bundled dist/downloadChild.js, else the tsc output. */
export function findChildScript(extensionRoot?: string): string {
  const candidates = [join(__dirname, "downloadChild.js")];
  if (extensionRoot) candidates.push(join(extensionRoot, "dist", "downloadChild.js"), join(extensionRoot, "out", "src", "extension", "downloadChild.js"));
  for (const c of candidates) if (existsSync(c)) return c;
  throw new DownloadError("other", `the downloader script is missing (looked for ${candidates.join(", ")}); rebuild the extension with npm run build`);
}

export function downloadModel(opts: DownloadOptions): Promise<DownloadResult> {
  const script = opts.childScript ?? findChildScript();
  return new Promise<DownloadResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new DownloadError("cancelled", "download cancelled"));
    const child = fork(script, [], {
      // In desktop VS Code process.execPath is Electron: run it as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdout?.resume();
    let settled = false;
    let resumedFrom = 0;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
      // The child exits by itself after reporting; make sure it does.
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
      }, 2000).unref();
    };
    const onAbort = () => {
      if (child.connected) child.send({ type: "cancel" });
      // If the child does not confirm quickly, stop it: the partial file stays for resuming.
      setTimeout(() => finish(() => reject(new DownloadError("cancelled", "download cancelled; the partial file is kept and the next attempt resumes"))), 3000).unref();
    };
    opts.signal?.addEventListener("abort", onAbort);
    child.on("message", (ev: DownloadChildEvent) => {
      switch (ev.type) {
        case "started":
          resumedFrom = ev.alreadyDownloaded;
          opts.onStart?.(ev.totalSize, ev.alreadyDownloaded);
          break;
        case "progress":
          opts.onProgress?.({ downloadedBytes: ev.downloadedSize, totalBytes: ev.totalSize, etaSeconds: ev.etaSeconds });
          break;
        case "cancelled":
          finish(() => reject(new DownloadError("cancelled", "download cancelled; the partial file is kept and the next attempt resumes")));
          break;
        case "error":
          finish(() => reject(new DownloadError(ev.code, `download failed: ${ev.message}`)));
          break;
        case "done":
          settled = true;
          opts.signal?.removeEventListener("abort", onAbort);
          readGgufHeader(ev.path).then(
            (header) => resolve({ path: ev.path, header, resumedFromBytes: resumedFrom }),
            (e: Error) => reject(new DownloadError("not-gguf", `downloaded ${ev.path}, but it is not a usable GGUF model: ${e.message}`)),
          );
          break;
      }
    });
    child.on("error", (e) => finish(() => reject(new DownloadError("crashed", `could not start the downloader: ${e.message}`))));
    child.on("exit", (code, sig) => {
      if (opts.signal?.aborted) finish(() => reject(new DownloadError("cancelled", "download cancelled; the partial file is kept and the next attempt resumes")));
      else finish(() => reject(new DownloadError("crashed", `the downloader stopped unexpectedly (exit ${code ?? sig})${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" ")}` : ""}`)));
    });
    child.send({ type: "start", uri: opts.uri.trim(), dirPath: opts.dirPath, fileName: opts.fileName, headers: opts.headers });
  });
}
