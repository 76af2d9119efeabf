// API keys of served models in VS Code's SecretStorage, one per server origin
// (scheme://host:port): a key set for one server is never sent to another, and a workspace that
// points iclProbe.remote.url elsewhere (it cannot: the setting is machine-scoped) would get none.
import type * as vscode from "vscode";
import { parseRemoteSpec } from "../remote/spec";

/** The origin a spec's key belongs to, e.g. "http://gpu1:8000". */
export function keyOrigin(spec: string): string {
  return new URL(parseRemoteSpec(spec).baseUrl).origin;
}

function secretName(origin: string): string {
  return `iclProbe.apiKey ${origin}`;
}

export function getServerKey(secrets: vscode.SecretStorage, spec: string): Thenable<string | undefined> {
  return secrets.get(secretName(keyOrigin(spec)));
}

export async function setServerKey(secrets: vscode.SecretStorage, spec: string, key: string | undefined): Promise<void> {
  const name = secretName(keyOrigin(spec));
  if (key) await secrets.store(name, key);
  else await secrets.delete(name);
}
