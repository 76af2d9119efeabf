// What the command modules share. Built once in activate(); commands receive it and register
// themselves (one small module per command, as GitLens does).
import type * as vscode from "vscode";
import type { ResultsStore, RunEntry } from "./resultsStore";
import type { ExtensionSettings } from "./settings";
import type { ModelRegistry } from "./modelPicker";
import type { ProbeController } from "./probeController";
import type { ResultsPanel } from "./panel";
import type { SidebarView } from "./sidebarView";
import type { LensState } from "./codeLens";
import type { LineDecorations } from "./lineDecorations";
import type { ProbeState } from "./probeState";

export interface Services {
  context: vscode.ExtensionContext;
  store: ResultsStore;
  settings(): ExtensionSettings;
  models: ModelRegistry;
  controller: ProbeController;
  panel: ResultsPanel;
  sidebar: SidebarView;
  lens: LensState;
  /** End-of-line results on demo files. */
  lines: LineDecorations;
  /** The one probe state every view follows. */
  probe: ProbeState;
  /** Rescans the workspace results folders. */
  rescan(): void;
  /** Lets the user pick a run (most recent first); `runId` short-cuts the pick. */
  pickRun(runId?: unknown, placeHolder?: string): Promise<RunEntry | undefined>;
  /** Active demo file, or one picked from the workspace. */
  demoUri(arg?: unknown): Promise<vscode.Uri | undefined>;
  /** Dispatches a button of a webview (rerun, openPanel, openReport...). */
  action(action: string, runId?: string): void;
}

export type CommandModule = (s: Services) => vscode.Disposable;
