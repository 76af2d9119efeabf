// The CLI's side of the remote backend (docs/REMOTE.md): connect to the server named by
// --model, with the API key from ICL_PROBE_API_KEY (never from a flag, so it stays out of shell
// history and process lists). The estimate, rates and summary lines are src/remote/summary.ts.
import type { ProbeSettings } from "../core/types";
import { unsupportedOnServer } from "../remote/limits";
import { RemoteEngine, type RemoteLog } from "../remote/engine";
import { parseRemoteSpec, RemoteSpecError } from "../remote/spec";
import { UsageError } from "./args";

export const API_KEY_ENV = "ICL_PROBE_API_KEY";

/** Token-level variants need the model's vocabulary, which vLLM and SGLang do not serve. */
export function checkRemoteVariants(settings: ProbeSettings): void {
  const refused = unsupportedOnServer(settings.variants);
  if (refused) throw new UsageError(refused);
}

export async function connectRemote(spec: string, o: { concurrency?: number; timeoutSeconds?: number; env?: NodeJS.ProcessEnv; log: RemoteLog }): Promise<RemoteEngine> {
  let parsed;
  try {
    parsed = parseRemoteSpec(spec);
  } catch (e) {
    if (e instanceof RemoteSpecError) throw new UsageError(`--model: ${e.message} (${e.hint})`);
    throw e;
  }
  const apiKey = (o.env ?? process.env)[API_KEY_ENV]?.trim() || undefined;
  return RemoteEngine.connect(parsed, { apiKey, concurrency: o.concurrency, timeoutMs: o.timeoutSeconds === undefined ? undefined : o.timeoutSeconds * 1000, log: o.log });
}
