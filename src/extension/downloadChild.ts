// Child process that downloads a model with node-llama-cpp's `createModelDownloader` (ipull).
// Why a child process: node-llama-cpp is ESM-only with top-level await and native parts, and the
// extension host must never load it (cheap activation, and a crash there would take the host
// down). Importing only its downloader still evaluates the package entry, so the import happens
// here, started with child_process.fork from download.ts, talking over the IPC channel.
// Messages: parent -> {type:"start", ...DownloadChildStart} | {type:"cancel"};
//           child  -> DownloadChildEvent.
import type { DownloadChildEvent, DownloadChildStart, DownloadErrorCode } from "./downloadTypes";

function send(ev: DownloadChildEvent): void {
  process.send?.(ev);
}

/** Sorts a failure into something the user can act on (offline vs. server vs. disk). */
function classify(err: unknown): { code: DownloadErrorCode; message: string } {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException; statusCode?: number };
  const code = e?.code ?? e?.cause?.code ?? "";
  const msg = e instanceof Error ? e.message : String(err);
  if (
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ETIMEDOUT|UND_ERR_CONNECT|fetch failed|socket hang up|TimeoutError|aborted due to timeout/i.test(
      `${code} ${msg} ${(e as Error)?.name}`,
    )
  ) {
    return { code: "offline", message: `cannot reach the server (${code || msg}); check the network connection or proxy, then retry` };
  }
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden/i.test(msg))
    return { code: "auth", message: `the server refused access (${msg}); the model may be gated: set a Hugging Face token (HF_TOKEN) or use a public URL` };
  if (/\b404\b|not found/i.test(msg))
    return { code: "not-found", message: `no file at that address (${msg}); check the URL or the hf: URI (hf:<user>/<repo>:<quant> or hf:<user>/<repo>/<file>.gguf)` };
  if (/ENOSPC|EACCES|EPERM|EROFS/.test(code)) return { code: "disk", message: `cannot write the model file (${code}): ${msg}` };
  return { code: "other", message: msg };
}

let downloader: { cancel(o?: { deleteTempFile?: boolean }): Promise<void>; download(): Promise<string>; totalSize: number; downloadedSize: number } | undefined;
let cancelled = false;

/**
 * ipull retries connection failures with back-off for minutes; a quick HEAD first turns "no
 * network" into an immediate, clear error. HTTP statuses are left to the downloader.
 */
async function preflight(uri: string): Promise<void> {
  const target = uri.startsWith("hf:") ? "https://huggingface.co/" : uri;
  await fetch(target, { method: "HEAD", signal: AbortSignal.timeout(15000), redirect: "manual" });
}

async function start(req: DownloadChildStart): Promise<void> {
  try {
    await preflight(req.uri);
    const { createModelDownloader } = await import("node-llama-cpp");
    let last = 0;
    downloader = await createModelDownloader({
      modelUri: req.uri,
      dirPath: req.dirPath,
      ...(req.fileName ? { fileName: req.fileName } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
      showCliProgress: false,
      // Keep the partial file on cancel so the next attempt resumes instead of starting over.
      deleteTempFileOnCancel: false,
      skipExisting: true,
      onProgress: (s) => {
        const now = Date.now();
        if (now - last < 100 && s.downloadedSize < s.totalSize) return;
        last = now;
        send({
          type: "progress",
          totalSize: s.totalSize,
          downloadedSize: s.downloadedSize,
          etaSeconds: Number.isFinite(s.estimatedTimeLeft) && s.estimatedTimeLeft < 864e5 ? s.estimatedTimeLeft / 1000 : undefined,
        });
      },
    });
    if (cancelled) {
      send({ type: "cancelled" });
      return;
    }
    send({ type: "started", totalSize: downloader.totalSize, alreadyDownloaded: downloader.downloadedSize });
    const path = await downloader.download();
    if (cancelled) send({ type: "cancelled" });
    else send({ type: "done", path });
  } catch (err) {
    if (cancelled) send({ type: "cancelled" });
    else send({ type: "error", ...classify(err) });
  }
}

process.on("message", (m: { type?: string } & Partial<DownloadChildStart>) => {
  if (m?.type === "start") void start(m as DownloadChildStart).finally(() => setTimeout(() => process.exit(0), 50));
  else if (m?.type === "cancel") {
    cancelled = true;
    if (downloader) void downloader.cancel({ deleteTempFile: false }).catch(() => undefined);
    else setTimeout(() => process.exit(0), 50);
  }
});
process.on("disconnect", () => process.exit(0));
