// Request ids of a webview (GitLens's IpcRequest pattern, see WebviewRequest in
// webviewProtocol.ts): each request gets "<instance>-<n>", and a reply is applied only when it
// answers the latest request of its type. The instance part is new each time a view loads, so a
// reply meant for an earlier instance of a reloaded view never matches. Pure (unit-tested), used
// by webview/shared/api.ts.

export class RequestIds<Type extends string> {
  private counter = 0;
  private readonly latest = new Map<Type, string>();

  constructor(private readonly instance: string) {}

  /** A new id for a request of `type`; it supersedes every earlier request of that type. */
  next(type: Type): string {
    const id = `${this.instance}-${++this.counter}`;
    this.latest.set(type, id);
    return id;
  }

  /** Whether `replyTo` is the latest request of `type` (otherwise the reply is stale). */
  isCurrent(type: Type, replyTo: string): boolean {
    return this.latest.get(type) === replyTo;
  }
}
