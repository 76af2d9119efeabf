// The ONE typed message protocol between the extension host and the two webviews (results
// panel, side panel). Both sides import this module (the webview bundle through esbuild), so a
// renamed field breaks the build instead of silently dropping a message (GitLens uses the same
// pattern). Messages from the webview are untrusted input: the extension validates them with
// `parseWebviewMessage` before acting on them.
import type { QueryDetail, QueryPage, RunSummary, RunView, VariantSeries, BaselineLines } from "./viewModel";
import type { ProbeStatus } from "./probeStatus";
import type { ToyNotice } from "./toyModels";
import { FIGURE_IDS, type FigureId } from "../core/figures/types";

export const PANEL_VIEW_TYPE = "iclProbe.results";
export const SIDEBAR_VIEW_ID = "iclProbe.sidebar";

export interface ModelStatus {
  name: string;
  path?: string;
  /** The engine's state: "idle" (not started, or another model selected since), "loading", "ready", "error". Whether a probe runs is the ProbeStatus's business. */
  state: "idle" | "loading" | "ready" | "error";
  detail?: string;
  /** Where the model comes from: the embedded default, or the settings scope that holds iclProbe.modelPath. */
  source?: string;
  /** Set when the model is one of the embedded toys (not a language model). */
  toy?: ToyNotice;
}

export interface SidebarChart {
  runId: string;
  ks: number[];
  series: VariantSeries[];
  baselines: BaselineLines;
}

/** What the panel persists with `vscode.setState` so the serializer can restore it after a reload. */
export interface PanelPersistedState {
  runs: { runId: string; path?: string }[];
  focus?: string;
}

export type ExtensionToPanel =
  | { type: "state"; runs: RunView[]; focus?: string; persisted: PanelPersistedState; probe: ProbeStatus }
  | { type: "run"; run: RunView; persisted: PanelPersistedState }
  | { type: "removeRun"; runId: string; persisted: PanelPersistedState }
  | { type: "queries"; page: QueryPage }
  | { type: "queryDetail"; detail: QueryDetail }
  /** The probe's state changed (every view follows the one ProbeState). */
  | { type: "probe"; probe: ProbeStatus }
  /** Select this query (record `key` of the run): its cell, the grid page at `offset`, its detail. */
  | { type: "reveal"; runId: string; key: number; variant: string; k: number; offset: number }
  | { type: "error"; message: string };

export type ExtensionToSidebar =
  | { type: "history"; runs: RunSummary[]; selected?: string; chart?: SidebarChart }
  | { type: "model"; model: ModelStatus }
  | { type: "probe"; probe: ProbeStatus };

export type WebviewAction =
  | "rerun"
  | "openPanel"
  | "openReport"
  | "selectModel"
  | "cancel"
  | "export"
  | "runProbe"
  | "refresh"
  /** Pick another run to show beside this one. */
  | "compare"
  /** Delete the run's folder (after a confirmation). */
  | "removeRun"
  /** Open the example the embedded toy model was made for. */
  | "openExample"
  /** Show where iclProbe.modelPath lives (Remote or User settings). */
  | "openModelSetting";
const ACTIONS: readonly WebviewAction[] = ["rerun", "openPanel", "openReport", "selectModel", "cancel", "export", "runProbe", "refresh", "compare", "removeRun", "openExample", "openModelSetting"];

export type WebviewToExtension =
  | { type: "ready"; view: "panel" | "sidebar" }
  | { type: "select"; runId: string; variant: string; k: number }
  /** With `warning`: the queries (all variants and k) whose record carries that warning code. */
  | { type: "queries"; runId: string; variant: string; k: number; offset: number; limit: number; warning?: string }
  | { type: "queryDetail"; runId: string; key: number }
  | { type: "closeRun"; runId: string }
  | { type: "selectRun"; runId: string }
  | { type: "action"; action: WebviewAction; runId?: string }
  /** Save a figure of the Hypotheses view: SVG is rendered by the extension from its own data; PNG comes rasterised from the webview (base64). */
  | { type: "exportFigure"; runId: string; figure: FigureId; format: "svg" | "png"; data?: string }
  /** Run the variants a figure lacks, added to the same run. */
  | { type: "runFigure"; runId: string; figure: FigureId };

/** A warning code as the results schema allows it (kebab-case). */
const WARNING_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const str = (v: unknown, max = 500): v is string => typeof v === "string" && v.length <= max;
const int = (v: unknown, min = 0, max = 1e9): v is number => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

const isFigure = (v: unknown): v is FigureId => typeof v === "string" && (FIGURE_IDS as readonly string[]).includes(v);
/** 16 MB of PNG at most. */
const MAX_PNG_BASE64 = 22_000_000;
/** The PNG file signature (89 50 4E 47 0D 0A 1A 0A) in base64. */
export const PNG_BASE64_SIGNATURE = "iVBORw0KGgo";

/** Validates a message posted by a webview; returns undefined for anything malformed. */
export function parseWebviewMessage(m: unknown): WebviewToExtension | undefined {
  if (typeof m !== "object" || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case "ready":
      return o.view === "panel" || o.view === "sidebar" ? { type: "ready", view: o.view } : undefined;
    case "select":
      return str(o.runId) && str(o.variant) && int(o.k) ? { type: "select", runId: o.runId, variant: o.variant, k: o.k } : undefined;
    case "queries":
      if (o.warning !== undefined && !(str(o.warning, 64) && WARNING_CODE.test(o.warning))) return undefined;
      return str(o.runId) && str(o.variant) && int(o.k) && int(o.offset) && int(o.limit, 1, 500)
        ? { type: "queries", runId: o.runId, variant: o.variant, k: o.k, offset: o.offset, limit: o.limit, ...(o.warning !== undefined ? { warning: o.warning as string } : {}) }
        : undefined;
    case "queryDetail":
      return str(o.runId) && int(o.key) ? { type: "queryDetail", runId: o.runId, key: o.key } : undefined;
    case "closeRun":
      return str(o.runId) ? { type: "closeRun", runId: o.runId } : undefined;
    case "selectRun":
      return str(o.runId) ? { type: "selectRun", runId: o.runId } : undefined;
    case "exportFigure": {
      if (!str(o.runId) || !isFigure(o.figure) || (o.format !== "svg" && o.format !== "png")) return undefined;
      if (o.format === "svg") return { type: "exportFigure", runId: o.runId, figure: o.figure, format: "svg" };
      // A PNG of a few hundred kilobytes as base64; anything else is not one of ours.
      if (typeof o.data !== "string" || o.data.length > MAX_PNG_BASE64 || !/^[A-Za-z0-9+/]+=*$/.test(o.data) || !o.data.startsWith(PNG_BASE64_SIGNATURE)) return undefined;
      return { type: "exportFigure", runId: o.runId, figure: o.figure, format: "png", data: o.data };
    }
    case "runFigure":
      return str(o.runId) && isFigure(o.figure) ? { type: "runFigure", runId: o.runId, figure: o.figure } : undefined;
    case "action":
      if (!ACTIONS.includes(o.action as WebviewAction)) return undefined;
      if (o.runId !== undefined && !str(o.runId)) return undefined;
      return { type: "action", action: o.action as WebviewAction, ...(o.runId !== undefined ? { runId: o.runId as string } : {}) };
    default:
      return undefined;
  }
}

/** Validates persisted panel state handed back by the serializer (it is webview-controlled). */
export function parsePersistedState(s: unknown): PanelPersistedState {
  const out: PanelPersistedState = { runs: [] };
  if (!s || typeof s !== "object") return out;
  const o = s as Record<string, unknown>;
  if (Array.isArray(o.runs)) {
    for (const r of o.runs.slice(0, 20)) {
      if (r && typeof r === "object" && str((r as { runId?: unknown }).runId)) {
        const p = (r as { path?: unknown }).path;
        out.runs.push({ runId: (r as { runId: string }).runId, ...(str(p, 4096) ? { path: p } : {}) });
      }
    }
  }
  if (str(o.focus)) out.focus = o.focus;
  return out;
}
