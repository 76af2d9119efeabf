// HTML shell of both webviews with a strict Content-Security-Policy: nothing but our own bundled
// script and the toolkit (nonce), our stylesheet, images from the extension, no remote
// resources, no inline code. The toolkit injects styles at run time and reads the nonce from
// <meta property="csp-nonce"> (without it the toolkit's styles are blocked by this policy).
// Pure (unit-tested).
import { randomBytes } from "node:crypto";

export function makeNonce(): string {
  return randomBytes(16).toString("base64").replace(/[+/=]/g, "");
}

export interface ShellOptions {
  cspSource: string;
  nonce: string;
  title: string;
  scriptUri: string;
  toolkitUri: string;
  styleUri: string;
  /** "panel" or "sidebar": becomes data-view on <body> (stable hook for e2e tests). */
  view: "panel" | "sidebar";
}

export function csp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'nonce-${nonce}'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`].join("; ");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function webviewShell(o: ShellOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp(o.cspSource, o.nonce))}">
<meta property="csp-nonce" content="${esc(o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(o.styleUri)}">
<title>${esc(o.title)}</title>
</head>
<body data-view="${o.view}" data-testid="icl-${o.view}">
<div id="app" data-testid="icl-${o.view}-app"><p class="icl-muted" data-testid="icl-loading">Loading…</p></div>
<script type="module" nonce="${esc(o.nonce)}" src="${esc(o.toolkitUri)}"></script>
<script type="module" nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
