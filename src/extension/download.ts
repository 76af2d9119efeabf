// Model download for the extension (and tests): runs node-llama-cpp's downloader in a child
// process (see downloadChild.ts for why), relays progress, cancels on an AbortSignal, resumes a
// partial download on the next attempt (ipull keeps a `<file>.ipull` once a 5 MB chunk is saved),
// and turns network failures into a clear "offline" error. After the download the file's sha256
// is checked when one is expected (a mismatch deletes the file), then its GGUF header, so a wrong
// URL (an HTML page, a truncated file) is reported instead of being offered as a model. Error
// messages say what went wrong, without a "download failed" prefix (the command adds that once).
// No `vscode` import: the command wraps this in withProgress.
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { DownloadChildEvent, DownloadErrorCode } from "./downloadTypes";
import { describeGgufFile, type GgufSummary } from "../engine/ggufCheck";

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
  /** Expected lower-case hex sha256 of the file; a mismatch deletes it and rejects with code "checksum". */
  sha256?: string;
  /** Path of the compiled downloadChild.js (default: found next to this file or in dist/). */
  childScript?: string;
}

export interface DownloadResult {
  path: string;
  header: GgufSummary;
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

/** sha256 of a file, streamed (models are large). */
export function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/** Partial downloads (ipull's `*.ipull` files) in `dirPath` written since `sinceMs`: what a later attempt can resume. */
export function partialDownloads(dirPath: string, sinceMs = 0): string[] {
  if (!existsSync(dirPath)) return [];
  return readdirSync(dirPath).filter((f) => f.endsWith(".ipull") && statSync(join(dirPath, f)).mtimeMs >= sinceMs);
}

async function checkDownloaded(path: string, sha256: string | undefined): Promise<GgufSummary> {
  if (sha256) {
    const got = await fileSha256(path);
    if (got !== sha256.toLowerCase()) {
      try {
        unlinkSync(path);
      } catch {
        // Reported below either way.
      }
      throw new DownloadError("checksum", `${path} has sha256 ${got}, not the expected ${sha256}; the file was deleted (the server may now serve another version of it)`);
    }
  }
  try {
    return await describeGgufFile(path);
  } catch (e) {
    throw new DownloadError("not-gguf", `downloaded ${path}, but it is not a usable GGUF model: ${(e as Error).message}`);
  }
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
      setTimeout(() => finish(() => reject(new DownloadError("cancelled", "download cancelled"))), 3000).unref();
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
          finish(() => reject(new DownloadError("cancelled", "download cancelled")));
          break;
        case "error":
          finish(() => reject(new DownloadError(ev.code, ev.message)));
          break;
        case "done":
          settled = true;
          opts.signal?.removeEventListener("abort", onAbort);
          checkDownloaded(ev.path, opts.sha256).then((header) => resolve({ path: ev.path, header, resumedFromBytes: resumedFrom }), reject);
          break;
      }
    });
    child.on("error", (e) => finish(() => reject(new DownloadError("crashed", `could not start the downloader: ${e.message}`))));
    child.on("exit", (code, sig) => {
      if (opts.signal?.aborted) finish(() => reject(new DownloadError("cancelled", "download cancelled")));
      else finish(() => reject(new DownloadError("crashed", `the downloader stopped unexpectedly (exit ${code ?? sig})${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" ")}` : ""}`)));
    });
    child.send({ type: "start", uri: opts.uri.trim(), dirPath: opts.dirPath, fileName: opts.fileName, headers: opts.headers });
  });
}
