// Reading and validating the iclProbe.* settings. Pure (no `vscode` import): the caller passes
// an object with the WorkspaceConfiguration `inspect` method, so the rules are unit-tested.
// Workspace trust: in an untrusted workspace a model path coming from workspace or folder
// settings is ignored (a workspace must not make the engine open a file of its choosing).
import type { ProbeSettings, SelectionMode } from "../core/types";
import { isVariantKey } from "../core/variants/keys";
import type { ScoringMode } from "../core/results/schema";
import type { StudyOptions } from "../core/study";
import { DEFAULT_CONCURRENCY, DEFAULT_CONFIRM_ABOVE_TOKENS, DEFAULT_TIMEOUT_MS, specFromSettings, SPEC_SYNTAX, specProblem } from "../remote/spec";

export type GpuSetting = "auto" | "off" | "cuda" | "vulkan" | "metal";
export const GPU_VALUES: readonly GpuSetting[] = ["auto", "off", "cuda", "vulkan", "metal"];

export interface ConfigInspect<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The part of vscode.WorkspaceConfiguration used here. */
export interface ConfigLike {
  inspect<T>(section: string): ConfigInspect<T> | undefined;
}

export interface ExtensionSettings {
  /** Absolute or ~ path of the configured model, or undefined for the embedded default. */
  modelPath?: string;
  modelPathSource: "user" | "workspace" | "default";
  /** A workspace-provided model path that was ignored because the workspace is not trusted. */
  ignoredWorkspaceModelPath?: string;
  gpu: GpuSetting;
  /** 0 = engine default (physical cores). */
  threads: number;
  /** 0 = engine default. */
  contextSize: number;
  /** "exact" (default) or "fast" (docs/ENGINE.md "Scoring modes"). */
  scoringMode: ScoringMode;
  /** Overrides of the demo file's header (only keys the user set). */
  overrides: Partial<ProbeSettings>;
  resultsFolder: string;
  /** Prompts longer than the context: stop before scoring, or skip those cells and run the rest. */
  onOverflow: "stop" | "skip";
  /** The study settings (iclProbe.study.*): what the user set; the study's defaults fill the rest. */
  study: StudyOptions;
  /**
   * The served model to probe instead of a GGUF file: iclProbe.remote.url (+ iclProbe.remote.model)
   * as one spec (docs/REMOTE.md), when set and valid. Machine-scoped, and ignored from workspace
   * settings in an untrusted workspace, like modelPath: a workspace must not choose where prompts go.
   */
  remoteSpec?: string;
  /** Requests in flight to the server. */
  remoteConcurrency: number;
  /** Seconds one request attempt may take. */
  remoteTimeoutSeconds: number;
  /** Ask before a probe whose estimate exceeds this many prompt tokens (0: never ask). */
  remoteConfirmAboveTokens: number;
  /** One sentence per invalid value, naming the setting and what to do. */
  problems: string[];
}

function effective<T>(i: ConfigInspect<T> | undefined, allowWorkspace = true): { value: T | undefined; source: "user" | "workspace" | "default" } {
  if (!i) return { value: undefined, source: "default" };
  if (allowWorkspace && i.workspaceFolderValue !== undefined) return { value: i.workspaceFolderValue, source: "workspace" };
  if (allowWorkspace && i.workspaceValue !== undefined) return { value: i.workspaceValue, source: "workspace" };
  if (i.globalValue !== undefined) return { value: i.globalValue, source: "user" };
  return { value: i.defaultValue, source: "default" };
}

/** Validates one setting value; returns a message for the user or undefined when valid. */
export function validateSetting(key: string, value: unknown): string | undefined {
  const name = `iclProbe.${key}`;
  const intIn = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
  switch (key) {
    case "modelPath":
      if (value === undefined || value === "") return undefined;
      if (typeof value !== "string") return `${name} must be a string path to a .gguf file.`;
      if (!/\.gguf$/i.test(value.trim())) return `${name} should point to a .gguf file (got "${value}").`;
      return undefined;
    case "remote.url":
      if (value === undefined || value === "") return undefined;
      if (typeof value !== "string") return `${name} must be a server URL such as "http://127.0.0.1:8000/v1".`;
      {
        const why = specProblem(value);
        return why === undefined ? undefined : `${name}: ${why} (${SPEC_SYNTAX}).`;
      }
    case "remote.model":
      return value === undefined || typeof value === "string" ? undefined : `${name} must be the served model name (a string).`;
    case "remote.concurrency":
      return intIn(value, 1, 512) ? undefined : `${name} must be a whole number of requests from 1 to 512 (got ${JSON.stringify(value)}).`;
    case "remote.timeoutSeconds":
      return intIn(value, 1, 3600) ? undefined : `${name} must be a whole number of seconds from 1 to 3600 (got ${JSON.stringify(value)}).`;
    case "remote.confirmAboveTokens":
      return intIn(value, 0, 1e12) ? undefined : `${name} must be a whole number of tokens, 0 to never ask (got ${JSON.stringify(value)}).`;
    case "gpu":
      return GPU_VALUES.includes(value as GpuSetting) ? undefined : `${name} must be one of ${GPU_VALUES.join(", ")} (got ${JSON.stringify(value)}).`;
    case "threads":
      return intIn(value, 0, 256) ? undefined : `${name} must be a whole number from 0 (automatic) to 256 (got ${JSON.stringify(value)}).`;
    case "scoringMode":
      return value === "exact" || value === "fast" ? undefined : `${name} must be "exact" or "fast" (got ${JSON.stringify(value)}).`;
    case "contextSize":
      return intIn(value, 0, 1048576) ? undefined : `${name} must be a whole number of tokens, 0 for automatic (got ${JSON.stringify(value)}).`;
    case "queries":
      return intIn(value, 0, 100000) ? undefined : `${name} must be a whole number from 0 (use the file header) to 100000 (got ${JSON.stringify(value)}).`;
    case "k":
      if (!Array.isArray(value) || !value.every((v) => intIn(v, 0, 512))) return `${name} must be a list of whole numbers of demonstrations from 0 to 512, e.g. [0, 1, 2, 4, 8].`;
      return undefined;
    case "seeds":
      if (!Array.isArray(value) || !value.every((v) => intIn(v, 0, 2 ** 32 - 1))) return `${name} must be a list of non-negative whole numbers, e.g. [0, 1, 2].`;
      return undefined;
    case "defaultVariants":
      if (!Array.isArray(value) || !value.every(isVariantKey)) {
        return `${name} must be a list of variant keys such as "gold", "g-string#3" or a range of draws "ra-string#0..49".`;
      }
      return undefined;
    case "selection":
      return ["header", "fixed", "per-query"].includes(value as string) ? undefined : `${name} must be "header", "fixed" or "per-query".`;
    case "calibrate":
      return ["header", "on", "off"].includes(value as string) ? undefined : `${name} must be "header", "on" or "off".`;
    case "onOverflow":
      return ["stop", "skip"].includes(value as string) ? undefined : `${name} must be "stop" or "skip".`;
    case "study.seeds":
      return intIn(value, 0, 1000) ? undefined : `${name} must be a whole number of seeds from 0 (the study's default) to 1000 (got ${JSON.stringify(value)}).`;
    case "study.queries":
      return intIn(value, 0, 100000) ? undefined : `${name} must be a whole number from 0 (the study's default) to 100000 (got ${JSON.stringify(value)}).`;
    case "study.k":
      return intIn(value, 0, 512) ? undefined : `${name} must be a whole number of demonstrations from 0 (the study's default) to 512 (got ${JSON.stringify(value)}).`;
    case "study.kCurve":
      if (!Array.isArray(value) || !value.every((v) => intIn(v, 0, 512))) return `${name} must be a list of whole numbers of demonstrations, e.g. [0, 4, 8, 16, 32] (empty: the study's default).`;
      return undefined;
    case "study.draws":
      return intIn(value, 0, 10000) ? undefined : `${name} must be a whole number of random functions g from 0 to 10000 (got ${JSON.stringify(value)}).`;
    case "resultsFolder":
      if (typeof value !== "string" || value.trim() === "") return `${name} must be a workspace-relative folder such as ".icl-probe/results".`;
      if (/(^|[\\/])\.\.([\\/]|$)/.test(value)) return `${name} must stay inside the workspace (no "..").`;
      return undefined;
    default:
      return undefined;
  }
}

export function readSettings(cfg: ConfigLike, trusted: boolean): ExtensionSettings {
  const problems: string[] = [];
  const get = <T>(key: string, fallback: T): T => {
    const { value } = effective<T>(cfg.inspect<T>(key));
    if (value === undefined) return fallback;
    const p = validateSetting(key, value);
    if (p) {
      problems.push(p);
      return fallback;
    }
    return value;
  };

  const mpInspect = cfg.inspect<string>("modelPath");
  const mp = effective(mpInspect, trusted);
  const fromWorkspace = mpInspect?.workspaceFolderValue ?? mpInspect?.workspaceValue;
  let modelPath: string | undefined;
  if (typeof mp.value === "string" && mp.value.trim() !== "") {
    const p = validateSetting("modelPath", mp.value);
    if (p) problems.push(p);
    else modelPath = mp.value.trim();
  }

  // A served model: the same trust rule as modelPath.
  const remoteUrl = effective(cfg.inspect<string>("remote.url"), trusted).value;
  let remoteSpec: string | undefined;
  if (typeof remoteUrl === "string" && remoteUrl.trim() !== "") {
    const p = validateSetting("remote.url", remoteUrl);
    const model = effective(cfg.inspect<string>("remote.model"), trusted).value;
    if (p) problems.push(p);
    else remoteSpec = specFromSettings(remoteUrl, typeof model === "string" ? model : undefined);
  }

  const overrides: Partial<ProbeSettings> = {};
  const k = get<number[]>("k", []);
  if (k.length) overrides.k = [...new Set(k)].sort((a, b) => a - b);
  const seeds = get<number[]>("seeds", []);
  if (seeds.length) overrides.seeds = [...new Set(seeds)];
  const variants = get<string[]>("defaultVariants", []);
  if (variants.length) overrides.variants = [...new Set(variants)];
  const queries = get<number>("queries", 0);
  if (queries > 0) overrides.queries = queries;
  const selection = get<string>("selection", "header");
  if (selection !== "header") overrides.selection = selection as SelectionMode;
  const calibrate = get<string>("calibrate", "header");
  if (calibrate !== "header") overrides.calibrate = calibrate === "on";

  const study: StudyOptions = {};
  const studySeeds = get<number>("study.seeds", 0);
  if (studySeeds > 0) study.seeds = Array.from({ length: studySeeds }, (_, i) => i + 1);
  const studyQueries = get<number>("study.queries", 0);
  if (studyQueries > 0) study.queries = studyQueries;
  const studyK = get<number>("study.k", 0);
  if (studyK > 0) study.k = studyK;
  const studyCurve = get<number[]>("study.kCurve", []);
  if (studyCurve.length) study.kCurve = [...new Set(studyCurve)].sort((a, b) => a - b);
  study.draws = get<number>("study.draws", 50);

  return {
    modelPath,
    modelPathSource: modelPath ? mp.source : "default",
    ignoredWorkspaceModelPath: !trusted && typeof fromWorkspace === "string" && fromWorkspace.trim() ? fromWorkspace : undefined,
    gpu: get<GpuSetting>("gpu", "off"),
    threads: get<number>("threads", 0),
    contextSize: get<number>("contextSize", 0),
    scoringMode: get<ScoringMode>("scoringMode", "exact"),
    overrides,
    resultsFolder: get<string>("resultsFolder", ".icl-probe/results"),
    onOverflow: get<"stop" | "skip">("onOverflow", "stop"),
    study,
    ...(remoteSpec ? { remoteSpec } : {}),
    remoteConcurrency: get<number>("remote.concurrency", DEFAULT_CONCURRENCY),
    remoteTimeoutSeconds: get<number>("remote.timeoutSeconds", DEFAULT_TIMEOUT_MS / 1000),
    remoteConfirmAboveTokens: get<number>("remote.confirmAboveTokens", DEFAULT_CONFIRM_ABOVE_TOKENS),
    problems,
  };
}
