// Extension benchmark (`npm run bench`): (1) activate() of the bundled extension outside VS
// Code, with a minimal `vscode` stub used only here, including loading the bundle; it also
// checks that activation loaded neither node-llama-cpp nor a model. Goal: < 100 ms.
// (2) The results panel's first render for a run of 20,000 query records: the view model built
// in the extension (aggregation) and the size of what crosses to the webview. Goal: < 1 s.
import Module from "node:module";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { QueryRecord } from "../src/core/types";
import { buildRunView, queryPage, summarizeRun } from "../src/shared/viewModel";
import { accuracyDatasets } from "../src/shared/chartData";
import { analyseRun } from "../src/core/analysis";
import { defined } from "../src/core/defined";

const root = join(__dirname, "..", "..");

/** A deep stub: any property is a callable, constructible stub; specific members overridden. */
function deepStub(overrides: Record<string, unknown> = {}, path = "vscode"): unknown {
  const fn = function () {
    return deepStub({}, path + "()");
  };
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop in overrides) return overrides[prop as string];
      if (prop === "then") return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => path;
      if (prop === "dispose") return () => undefined;
      return deepStub({}, `${path}.${String(prop)}`);
    },
    set() {
      return true;
    },
    apply() {
      return deepStub({}, path + "()");
    },
    construct() {
      return deepStub({}, `new ${path}`) as object;
    },
  });
}

function vscodeStub(_storage: string): unknown {
  const disposable = { dispose: () => undefined };
  const event = () => disposable;
  class EventEmitter {
    event = event;
    fire(): void {}
    dispose(): void {}
  }
  const uri = (p: string) => ({ fsPath: p, path: p, toString: () => `file://${p}`, scheme: "file" });
  // A plain object at the top: the bundle's ESM interop copies the module's own keys.
  return {
    Range: deepStub(),
    CodeLens: deepStub(),
    CodeAction: deepStub(),
    Diagnostic: deepStub(),
    WorkspaceEdit: deepStub(),
    EventEmitter,
    Uri: { file: uri, joinPath: (u: { fsPath: string }, ...p: string[]) => uri(join(u.fsPath, ...p)), parse: (s: string) => uri(s.replace(/^file:\/\//, "")), from: () => uri("/x") },
    StatusBarAlignment: { Left: 1, Right: 2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeActionKind: { QuickFix: "quickfix" },
    ProgressLocation: { Notification: 15 },
    ViewColumn: { Beside: -2 },
    QuickPickItemKind: { Separator: -1 },
    ConfigurationTarget: { Global: 1 },
    workspace: deepStub({
      isTrusted: true,
      workspaceFolders: [],
      textDocuments: [],
      getConfiguration: () => ({ inspect: () => undefined, get: () => undefined, update: async () => undefined }),
      onDidChangeConfiguration: event,
      onDidGrantWorkspaceTrust: event,
      onDidOpenTextDocument: event,
      onDidChangeTextDocument: event,
      onDidCloseTextDocument: event,
      registerTextDocumentContentProvider: () => disposable,
      createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose: () => undefined }),
    }),
    window: deepStub({
      createOutputChannel: () => deepStub({ info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined }),
      createStatusBarItem: () => deepStub({ show: () => undefined }),
      registerWebviewPanelSerializer: () => disposable,
      registerWebviewViewProvider: () => disposable,
    }),
    languages: deepStub({
      createDiagnosticCollection: () => deepStub(),
      registerCodeLensProvider: () => disposable,
      registerCodeActionsProvider: () => disposable,
    }),
    commands: deepStub({ registerCommand: () => disposable, executeCommand: async () => undefined }),
    env: deepStub(),
  };
}

function makeRecords(n: number): QueryRecord[] {
  const variants = ["gold", "random-labels", "flipped", "abstract-letters", "ra-string", "pa-word", "ra-synonym", "g-string"];
  const ks = [0, 1, 2, 4, 8];
  const labels = ["negative", "positive", "neutral"];
  const out: QueryRecord[] = [];
  for (let i = 0; out.length < n; i++) {
    const variant = defined(variants[i % variants.length], "a variant");
    const k = defined(ks[Math.floor(i / variants.length) % ks.length], "a k");
    const gold = defined(labels[i % 3], "a gold label");
    const predicted = defined(labels[(i * 7) % 5 < 3 ? i % 3 : (i + 1) % 3], "a predicted label");
    out.push({
      variant,
      k,
      seed: i % 5,
      queryIndex: i % 400,
      demoIndices: [1, 2, 3, 4].slice(0, k),
      input: `a review number ${i} with some words in it`,
      gold,
      labels: labels.map((l) => ({ label: l, logProb: l === predicted ? -0.3 : -1.8, meanLogProb: -1, firstTokenLogProb: -1, tokens: 1, prob: l === predicted ? 0.6 : 0.2 })),
      predicted,
      goldRank: predicted === gold ? 1 : 2,
    });
  }
  return out;
}

export async function run(): Promise<object> {
  const bundle = existsSync(join(root, "dist", "extension.js")) ? join(root, "dist", "extension.js") : join(root, "out", "src", "extension", "extension.js");
  const storage = mkdtempSync(join(tmpdir(), "icl-act-"));
  const stub = vscodeStub(storage);
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const origLoad = M._load;
  const loaded: string[] = [];
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    if (req === "vscode") return stub;
    loaded.push(req);
    return origLoad.call(this, req, parent, isMain);
  };
  let requireMs = 0;
  let activateMs = 0;
  try {
    const context = {
      subscriptions: [] as { dispose(): void }[],
      extensionPath: root,
      extensionUri: { fsPath: root, path: root, toString: () => `file://${root}`, scheme: "file" },
      globalStorageUri: { fsPath: storage },
      globalState: { get: (_k: string, d: unknown) => d, update: async () => undefined },
      workspaceState: { get: (_k: string, d: unknown) => d, update: async () => undefined },
    };
    const t0 = performance.now();
    const ext = require(bundle) as { activate(c: unknown): unknown };
    const t1 = performance.now();
    ext.activate(context);
    const t2 = performance.now();
    requireMs = t1 - t0;
    activateMs = t2 - t1;
    for (const d of context.subscriptions) d.dispose();
  } finally {
    M._load = origLoad;
    rmSync(storage, { recursive: true, force: true });
  }
  const llama = loaded.filter((r) => /node-llama-cpp/.test(r));

  const records = makeRecords(20000);
  const results = { records, manifest: { demoFile: { path: "/w/sentiment.icl.jsonl" }, model: { fileName: "toy.gguf" }, status: "complete" } };
  const t3 = performance.now();
  // The extension analyses a run once (ResultsStore.analysis) and projects it for each view.
  const analysis = analyseRun(results);
  const view = buildRunView("bench", results, analysis);
  const sets = accuracyDatasets(view.series, view.ks, view.baselines);
  const page = queryPage("bench", records, view.selection.variant, view.selection.k, 0, 100);
  const payload = JSON.stringify({ type: "state", runs: [view] }).length + JSON.stringify({ type: "queries", page }).length;
  const t4 = performance.now();
  summarizeRun("bench", results, analysis);
  const t5 = performance.now();
  const rawBytes = JSON.stringify(records).length;

  const figures = {
    bundle: bundle.replace(root + "/", ""),
    requireBundleMs: +requireMs.toFixed(1),
    activateMs: +activateMs.toFixed(1),
    activationTotalMs: +(requireMs + activateMs).toFixed(1),
    activationGoalMs: 100,
    nodeLlamaCppLoadedAtActivation: llama.length > 0,
    panelRecords: records.length,
    panelViewModelMs: +(t4 - t3).toFixed(1),
    panelGoalMs: 1000,
    datasets: sets.length,
    verdictCards: view.verdicts.length,
    webviewPayloadBytes: payload,
    rawRecordsBytes: rawBytes,
    payloadShareOfRaw: +(payload / rawBytes).toFixed(4),
    sidebarSummaryMs: +(t5 - t4).toFixed(1),
  };
  console.table(figures);
  return figures;
}
