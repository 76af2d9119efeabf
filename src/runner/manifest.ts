// The run manifest: everything needed to know what produced a results file and to rerun it.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { basename, resolve } from "node:path";
import type { ModelInfo } from "../engine/protocol";
import type { ModelManifest } from "../core/results/schema";

/** SHA-256 of a file, streamed (models can be gigabytes; never read them whole). */
export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash("sha256");
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (c) => h.update(c))
      .on("error", rej)
      .on("end", () => res(h.digest("hex")));
  });
}

export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export async function modelManifest(modelPath: string, info: ModelInfo): Promise<ModelManifest> {
  const abs = resolve(modelPath);
  return {
    path: abs,
    fileName: basename(abs),
    sizeBytes: info.sizeBytes,
    sha256: await sha256File(abs),
    architecture: info.architecture,
    vocabSize: info.vocabSize,
    tokenizerModel: info.tokenizerModel,
    trainContextSize: info.trainContextSize,
    ...(info.quantization ? { quantization: info.quantization } : {}),
  };
}

export function machineManifest(): { platform: string; arch: string; cpus: number; node: string } {
  return { platform: process.platform, arch: process.arch, cpus: availableParallelism?.() ?? cpus().length, node: process.version };
}
