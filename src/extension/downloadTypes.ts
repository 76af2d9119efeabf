// Messages between download.ts (extension host) and downloadChild.ts (child process).
export interface DownloadChildStart {
  type: "start";
  /** http(s) URL or hf: URI. */
  uri: string;
  dirPath: string;
  fileName?: string;
  headers?: Record<string, string>;
}

export type DownloadErrorCode = "offline" | "auth" | "not-found" | "disk" | "other" | "crashed" | "not-gguf" | "checksum";

export type DownloadChildEvent =
  | { type: "started"; totalSize: number; alreadyDownloaded: number }
  | { type: "progress"; totalSize: number; downloadedSize: number; etaSeconds?: number }
  | { type: "done"; path: string }
  | { type: "cancelled" }
  | { type: "error"; code: DownloadErrorCode; message: string };
