// Messages from webviews are untrusted: the guard accepts exactly the protocol's shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseWebviewMessage, parsePersistedState } from "../../src/shared/webviewProtocol";
import { RequestIds } from "../../src/shared/requests";
import { csp, webviewShell } from "../../src/extension/webviewHtml";
import { reportForWebview } from "../../src/extension/reportView";

test("valid messages pass through unchanged", () => {
  const msgs = [
    { type: "ready", view: "panel" },
    { type: "select", runId: "a/b", variant: "ra-string#2", k: 4 },
    { type: "queries", id: "ab12-1", runId: "r", variant: "gold", k: 0, offset: 100, limit: 100 },
    { type: "queries", id: "ab12-2", runId: "r", variant: "gold", k: 0, offset: 0, limit: 100, warning: "boundary-merge" },
    { type: "queryDetail", id: "ab12-3", runId: "r", key: 12 },
    { type: "closeRun", runId: "r" },
    { type: "selectRun", runId: "r" },
    { type: "action", action: "openReport", runId: "r" },
    { type: "action", action: "cancel" },
    { type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "svg" },
    { type: "exportFigure", runId: "r", figure: "h3-chain", format: "png", data: "iVBORw0KGgoAAAANSUhEUg==" },
    { type: "runFigure", runId: "r", figure: "h2-icl-vs-linear" },
  ];
  for (const m of msgs) assert.deepEqual(parseWebviewMessage(m), m);
});

test("malformed messages are rejected", () => {
  const bad = [
    null,
    3,
    "ready",
    [],
    { type: "ready", view: "other" },
    { type: "select", runId: "r", variant: "gold", k: -1 },
    { type: "select", runId: "r", variant: "gold", k: 1.5 },
    { type: "queries", id: "a-1", runId: "r", variant: "g", k: 0, offset: 0, limit: 100000 },
    { type: "queries", runId: "r", variant: "g", k: 0, offset: 0, limit: 10 },
    { type: "queryDetail", id: "a b", runId: "r", key: 1 },
    { type: "queries", id: "a-1", runId: "r", variant: "g", k: 0, offset: 0, limit: 10, warning: "Not A Code" },
    { type: "closeRun", runId: "r", extra: 1 },
    { type: "queryDetail", runId: 5, key: 1 },
    { type: "action", action: "rm -rf" },
    { type: "queries", id: "a-2", runId: "r", variant: "g", k: 0, offset: 0, limit: 10, warning: "Bad Code" },
    { type: "queries", id: "a-3", runId: "r", variant: "g", k: 0, offset: 0, limit: 10, warning: 3 },
    { type: "action", action: "rerun", runId: 7 },
    { type: "unknown" },
  ];
  for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
});

test("the guard never throws and only returns known types (property)", () => {
  fc.assert(
    fc.property(fc.anything(), (x) => {
      const r = parseWebviewMessage(x);
      return r === undefined || ["ready", "select", "queries", "queryDetail", "closeRun", "selectRun", "action"].includes(r.type);
    }),
  );
});

test("a reply is applied only when it answers the latest request of its type, and never across view instances", () => {
  const view = new RequestIds<"queries" | "queryDetail">("v1");
  const a = view.next("queries");
  const d = view.next("queryDetail");
  const b = view.next("queries");
  assert.notEqual(a, b);
  assert.equal(view.isCurrent("queries", a), false, "an older page request's reply is stale");
  assert.equal(view.isCurrent("queries", b), true);
  assert.equal(view.isCurrent("queryDetail", d), true, "requests of another type do not supersede it");
  assert.equal(view.isCurrent("queryDetail", b), false);
  // The same view reloaded: its counter starts again, but the instance part differs.
  const reloaded = new RequestIds<"queries" | "queryDetail">("v2");
  const c = reloaded.next("queries");
  assert.equal(reloaded.isCurrent("queries", a), false, "a reply meant for the previous instance does not land");
  assert.equal(reloaded.isCurrent("queries", c), true);
});

test("persisted panel state is sanitised", () => {
  assert.deepEqual(parsePersistedState(undefined), { runs: [] });
  assert.deepEqual(parsePersistedState({ runs: [{ runId: "a", path: "/x/results.json" }, { runId: 3 }, "junk"], focus: "a" }), { runs: [{ runId: "a", path: "/x/results.json" }], focus: "a" });
});

test("webview shell has a strict nonce CSP, the toolkit nonce meta, and no remote resources", () => {
  const html = webviewShell({
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    nonce: "N0nce",
    title: "t",
    scriptUri: "https://file+.vscode-resource.vscode-cdn.net/dist/webview/panel.js",
    toolkitUri: "https://file+.vscode-resource.vscode-cdn.net/media/vendor/toolkit.min.js",
    styleUri: "https://file+.vscode-resource.vscode-cdn.net/media/webview.css",
    view: "panel",
  });
  const policy = csp("https://file+.vscode-resource.vscode-cdn.net", "N0nce");
  assert.match(policy, /^default-src 'none'; script-src 'nonce-N0nce'; style-src \S+ 'nonce-N0nce'; img-src \S+ data:; font-src \S+$/);
  assert.ok(!/unsafe-/.test(policy));
  assert.ok(html.includes(`<meta property="csp-nonce" content="N0nce">`));
  const scripts = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
  assert.equal(scripts.length, 2);
  for (const s of scripts) assert.ok(s.includes('nonce="N0nce"'), s);
  assert.ok(!/<script[^>]*>[^<]+<\/script>/.test(html), "no inline script bodies");
  assert.ok(!/(src|href)="http:\/\//.test(html));
  assert.ok(html.includes('data-testid="icl-panel"'));
});

test("the HTML report gets a nonce CSP inside VS Code", () => {
  const html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'"><style>body{}</style></head><body><script id="icl-data" type="application/json">{}</script><script>draw()</script></body></html>`;
  const out = reportForWebview(html, "XYZ", "vscode-resource:");
  assert.ok(!out.includes("unsafe-inline"));
  assert.equal((out.match(/Content-Security-Policy/g) ?? []).length, 1);
  assert.ok(out.includes(`script-src 'nonce-XYZ'`));
  assert.equal((out.match(/<script[^>]*nonce="XYZ"/g) ?? []).length, 2);
  assert.ok(out.includes(`<style nonce="XYZ">`));
  assert.ok(out.includes(`type="application/json" nonce="XYZ"`));
});

test("figure messages: known figures only; a PNG must be base64 with the PNG signature; an SVG with data is refused", () => {
  assert.equal(parseWebviewMessage({ type: "runFigure", runId: "r", figure: "h9" }), undefined);
  assert.equal(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "pdf" }), undefined);
  assert.equal(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "png", data: "PHN2Zz4=" }), undefined, "not a PNG");
  assert.equal(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "png", data: "iVBORw0KGgo<script>" }), undefined);
  assert.equal(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "png" }), undefined);
  // An SVG is rendered by the extension, never taken from the webview: one with data is refused.
  assert.equal(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "svg", data: "<svg onload=x>" }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "svg" }), { type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "svg" });
  assert.deepEqual(parseWebviewMessage({ type: "exportFigure", runId: "r", figure: "h1-ra-vs-k", format: "png", data: "iVBORw0KGgoAAAA=" }), {
    type: "exportFigure",
    runId: "r",
    figure: "h1-ra-vs-k",
    format: "png",
    data: "iVBORw0KGgoAAAA=",
  });
});
