// The VS Code webview API, acquired once, typed with the shared protocol.
import type { WebviewToExtension } from "../../src/shared/webviewProtocol.js";

interface VsCodeApi {
  postMessage(m: unknown): void;
  setState(s: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi =
  typeof acquireVsCodeApi === "function"
    ? acquireVsCodeApi()
    : { postMessage: () => undefined, setState: () => undefined, getState: () => undefined };

export function send(m: WebviewToExtension): void {
  api.postMessage(m);
}
export function saveState(s: unknown): void {
  api.setState(s);
}
export function loadState(): unknown {
  return api.getState();
}
