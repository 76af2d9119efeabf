// Shows the self-contained HTML report inside VS Code (a webview tab works in desktop VS Code
// and in code-server, where a file:// URL cannot be opened externally). The report's own CSP
// allows inline code; inside the editor it is replaced by a nonce policy and every inline
// <script>/<style> gets the nonce. Pure string work (unit-tested).
import { csp } from "./webviewHtml";

export function reportForWebview(html: string, nonce: string, cspSource: string): string {
  const policy = csp(cspSource, nonce);
  let out = html.replace(/<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>/gi, "");
  out = out.replace(/<(script|style)(\s[^>]*)?>/gi, (_m, tag: string, attrs: string | undefined) => {
    const a = (attrs ?? "").replace(/\snonce=["'][^"']*["']/i, "");
    return `<${tag}${a} nonce="${nonce}">`;
  });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  return /<head[^>]*>/i.test(out) ? out.replace(/<head[^>]*>/i, (h) => `${h}\n${meta}`) : `${meta}\n${out}`;
}
