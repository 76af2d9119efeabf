// The VS Code webview API, acquired once, typed with the shared protocol.
import type { WebviewRequest, WebviewToExtension } from "../../src/shared/webviewProtocol.js";
import { RequestIds } from "../../src/shared/requests.js";

interface VsCodeApi {
  postMessage(m: unknown): void;
  setState(s: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = typeof acquireVsCodeApi === "function" ? acquireVsCodeApi() : { postMessage: () => undefined, setState: () => undefined, getState: () => undefined };

export function send(m: WebviewToExtension): void {
  api.postMessage(m);
}
export function saveState(s: unknown): void {
  api.setState(s);
}

const ids = new RequestIds<WebviewRequest["type"]>(Math.random().toString(36).slice(2, 10) || "v");

type Unsent<T> = T extends { id: string } ? Omit<T, "id"> : never;

/** Sends a request; only the reply to the latest request of its type will be accepted. */
export function request(m: Unsent<WebviewRequest>): void {
  api.postMessage({ ...m, id: ids.next(m.type) });
}

/** Whether a reply answers the latest request of its type (else it is stale and dropped). */
export function isCurrentReply(type: WebviewRequest["type"], replyTo: string): boolean {
  return ids.isCurrent(type, replyTo);
}
