// The ONE typed message protocol between the extension host and the two webviews (results
// panel, side panel). Both sides import this module's types (the webviews import types only, so
// their bundles carry no validator), so a renamed field breaks the build instead of silently
// dropping a message (GitLens uses the same pattern). Messages from the webview are untrusted
// input: the extension validates them with `parseWebviewMessage` before acting on them.
import { Type, type Static } from "@sinclair/typebox";
import { checker, StringEnum } from "../core/schemaCheck";
import type { QueryDetail, QueryPage, RunSummary, RunView, VariantSeries, BaselineLines } from "./viewModel";
import type { ProbeStatus } from "./probeStatus";
import type { ToyNotice } from "./toyModels";
import { FIGURE_IDS } from "../core/figures/types";
import { PNG_BASE64_SIGNATURE } from "./png";

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

export type ExtensionToPanel =
  | { type: "state"; runs: RunView[]; focus?: string; persisted: PanelPersistedState; probe: ProbeStatus }
  | { type: "run"; run: RunView; persisted: PanelPersistedState }
  | { type: "removeRun"; runId: string; persisted: PanelPersistedState }
  /** Replies: `replyTo` is the id of the request (WebviewRequest) they answer. */
  | { type: "queries"; replyTo: string; page: QueryPage }
  | { type: "queryDetail"; replyTo: string; detail: QueryDetail }
  /** The probe's state changed (every view follows the one ProbeState). */
  | { type: "probe"; probe: ProbeStatus }
  /** Select this query (record `key` of the run): its cell, the grid page at `offset`, its detail. */
  | { type: "reveal"; runId: string; key: number; variant: string; k: number; offset: number }
  | { type: "error"; message: string };

export type ExtensionToSidebar = { type: "history"; runs: RunSummary[]; selected?: string; chart?: SidebarChart } | { type: "model"; model: ModelStatus } | { type: "probe"; probe: ProbeStatus };

export const WEBVIEW_ACTIONS = [
  "rerun",
  "openPanel",
  "openReport",
  "selectModel",
  "cancel",
  "export",
  "runProbe",
  "refresh",
  /** Pick another run to show beside this one. */
  "compare",
  /** Delete the run's folder (after a confirmation). */
  "removeRun",
  /** Open the example the embedded toy model was made for. */
  "openExample",
  /** Show where iclProbe.modelPath lives (Remote or User settings). */
  "openModelSetting",
] as const;
export type WebviewAction = (typeof WEBVIEW_ACTIONS)[number];

// Messages from a webview, defined once: the TypeScript type is derived from the schema, and the
// extension validates every message against the same schema (ajv, core/schemaCheck.ts) before
// acting on it. Extra properties are refused: a webview is untrusted input.
const RunId = Type.String({ maxLength: 500 });
const Index = Type.Integer({ minimum: 0, maximum: 1e9 });
/**
 * Requests that get a reply carry an id (GitLens's IpcRequest pattern): the reply names it in
 * `replyTo`, and the webview applies only the reply to its latest request of that kind, so a
 * slow reply to an older request (or to the previous instance of a reloaded view) cannot
 * overwrite a newer one. Ids are "<view instance>-<counter>" (webview/shared/api.ts).
 */
const RequestId = Type.String({ maxLength: 64, pattern: "^[A-Za-z0-9-]+$" });
const closed = { additionalProperties: false } as const;
const Figure = StringEnum(FIGURE_IDS);
/** 16 MB of PNG at most. */
const MAX_PNG_BASE64 = 22_000_000;

export const WebviewToExtensionSchema = Type.Union([
  Type.Object({ type: Type.Literal("ready"), view: Type.Union([Type.Literal("panel"), Type.Literal("sidebar")]) }, closed),
  Type.Object({ type: Type.Literal("select"), runId: RunId, variant: Type.String({ maxLength: 500 }), k: Index }, closed),
  Type.Object(
    {
      type: Type.Literal("queries"),
      id: RequestId,
      runId: RunId,
      variant: Type.String({ maxLength: 500 }),
      k: Index,
      offset: Index,
      limit: Type.Integer({ minimum: 1, maximum: 500 }),
      /** The queries (all variants and k) whose record carries this warning code (kebab-case, as the results schema allows it). */
      warning: Type.Optional(Type.String({ maxLength: 64, pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" })),
    },
    closed,
  ),
  Type.Object({ type: Type.Literal("queryDetail"), id: RequestId, runId: RunId, key: Index }, closed),
  Type.Object({ type: Type.Literal("closeRun"), runId: RunId }, closed),
  Type.Object({ type: Type.Literal("selectRun"), runId: RunId }, closed),
  Type.Object({ type: Type.Literal("action"), action: StringEnum(WEBVIEW_ACTIONS), runId: Type.Optional(RunId) }, closed),
  /** Save a figure of the Hypotheses view as SVG: rendered by the extension from its own data. */
  Type.Object({ type: Type.Literal("exportFigure"), runId: RunId, figure: Figure, format: Type.Literal("svg") }, closed),
  /** ... or as PNG, rasterised by the webview: base64 of a PNG file (its signature first), a few hundred kilobytes; anything else is not one of ours. */
  Type.Object(
    {
      type: Type.Literal("exportFigure"),
      runId: RunId,
      figure: Figure,
      format: Type.Literal("png"),
      data: Type.String({ maxLength: MAX_PNG_BASE64, pattern: `^${PNG_BASE64_SIGNATURE}[A-Za-z0-9+/]*=*$` }),
    },
    closed,
  ),
  /** Run the variants a figure lacks, added to the same run. */
  Type.Object({ type: Type.Literal("runFigure"), runId: RunId, figure: Figure }, closed),
]);
export type WebviewToExtension = Static<typeof WebviewToExtensionSchema>;
/** The messages that expect a reply, and so carry an id. */
export type WebviewRequest = Extract<WebviewToExtension, { id: string }>;

const PersistedRunSchema = Type.Object({ runId: RunId, path: Type.Optional(Type.String({ maxLength: 4096 })) });
/** What the panel persists with `vscode.setState` so the serializer can restore it after a reload. */
export const PanelPersistedStateSchema = Type.Object({ runs: Type.Array(PersistedRunSchema, { maxItems: 20 }), focus: Type.Optional(RunId) });
export type PanelPersistedState = Static<typeof PanelPersistedStateSchema>;

const message = checker(WebviewToExtensionSchema);
const persistedRun = checker(PersistedRunSchema);
const runId = checker(RunId);

/** Validates a message posted by a webview; returns undefined for anything malformed. */
export function parseWebviewMessage(m: unknown): WebviewToExtension | undefined {
  return message.is(m) ? m : undefined;
}

/** Validates persisted panel state handed back by the serializer (it is webview-controlled): keeps the valid runs (at most 20). */
export function parsePersistedState(s: unknown): PanelPersistedState {
  const out: PanelPersistedState = { runs: [] };
  if (!s || typeof s !== "object") return out;
  const o = s as { runs?: unknown; focus?: unknown };
  if (Array.isArray(o.runs))
    out.runs = o.runs
      .filter((r) => persistedRun.is(r))
      .slice(0, 20)
      .map((r) => ({ runId: r.runId, ...(r.path !== undefined ? { path: r.path } : {}) }));
  if (runId.is(o.focus)) out.focus = o.focus;
  return out;
}
