// One preparation of a run, shared by the CLI and the editor: parse the demo file (settings =
// defaults <- header <- overrides), check the variant keys, make the plan, leave out the variants
// this file cannot have, check the results folder and the model file. Everything that can be
// known before the model loads is answered here, in that order; the plan made here is the one
// the runner runs (RunConfig.plan), so it is made once.
import { createHash } from "node:crypto";
import type { DemoFile, Problem, ProbeSettings } from "../core/types";
import { parseDemoBytes, parseDemoFile } from "../core/demoFile";
import { closest } from "../core/demoFile/text";
import { planExperiment, type ExperimentPlan } from "../core/experiment/plan";
import { VARIANT_IDS, VariantError, expandVariantKeys, getVariant, parseVariantKey, readsLexicon, type VariantContext } from "../core/variants";
import type { SkippedCell, StudyManifest } from "../core/results/schema";
import { tryLoadLexicon } from "../node/lexicon";
import { checkGgufStart } from "../engine/ggufCheck";
import { checkOutputDir } from "./checkpoint";
import { unbuildableVariants } from "./preflight";
import type { RunConfig } from "./run";

export interface PrepareInput {
  /** The demo file's path, as the user named it (messages, the manifest). */
  path: string;
  /** Its bytes as read from disk (the encoding is detected, as the CLI reads files), or the text of an open editor. */
  content: Uint8Array | string;
  /** Editor settings or CLI flags, over the file's header. */
  overrides: Partial<ProbeSettings>;
  /** A GGUF path; with `remote` a server spec, which has no file to check. */
  modelPath: string;
  remote?: boolean;
  /** Where results.json will be written: checked writable now. */
  outDir: string;
  /** The settings the run uses, from the parsed file's (a study adds its grid: withStudyGrid). */
  adjustSettings?: (settings: ProbeSettings) => ProbeSettings;
  /** The study this run is (src/core/study), recorded in the manifest. */
  study?: StudyManifest;
  /** Called once the file is parsed, with its problems (errors or not), before anything is checked. */
  onParsed?: (file: DemoFile) => void;
  /** Caller's own checks of the settings (a remote server's limits), after the variants and before the folder and model. */
  checkSettings?: (settings: ProbeSettings) => void;
}

/** A run ready for the engine: pass it to runExperiment as its RunConfig. */
export interface PreparedRun extends RunConfig {
  plan: ExperimentPlan;
  /** Variant keys of the run, ranges expanded. */
  variants: string[];
  /** Variants this file cannot have (left out of the run by the runner, with the reason). */
  unbuildable: SkippedCell[];
  outDir: string;
}

export type PrepareOutcome = { ready: true; run: PreparedRun } | { ready: false; file: DemoFile; errors: Problem[] };

/** A variant list that cannot run: unknown ids or malformed keys (a usage error), or nothing buildable. */
export class PrepareError extends Error {
  override readonly name = "PrepareError";
  constructor(
    readonly code: "unknown-variant" | "bad-variant-key" | "no-buildable-variant",
    message: string,
    readonly hint?: string,
    /** no-buildable-variant: each variant with why it cannot be built. */
    readonly unbuildable: readonly SkippedCell[] = [],
  ) {
    super(message);
  }
}

/**
 * Prepares a run; returns the file's error problems instead when it has any. Throws PrepareError,
 * PlanError (a grid the file cannot fill), OutputError (an unwritable results folder) or
 * EngineFailure (a model path that is not a GGUF file).
 */
export async function prepareRun(input: PrepareInput): Promise<PrepareOutcome> {
  const bytes = typeof input.content === "string" ? undefined : input.content;
  const file = bytes ? parseDemoBytes(bytes, input.path, input.overrides) : parseDemoFile(input.content as string, input.path, input.overrides);
  input.onParsed?.(file);
  const errors = file.problems.filter((p) => p.severity === "error");
  if (errors.length) return { ready: false, file, errors };
  const fileText = bytes ? Buffer.from(bytes).toString("utf8") : (input.content as string);
  // The run is identified by the file's bytes (for UTF-8 files the same hash as of its text).
  const fileSha256 = createHash("sha256")
    .update(bytes ?? Buffer.from(fileText, "utf8"))
    .digest("hex");
  const settings = input.adjustSettings ? input.adjustSettings(file.settings) : file.settings;
  const variants = variantKeys(settings.variants);
  const plan = planExperiment({ file, settings });
  const lexicon = variants.some(readsLexicon) ? tryLoadLexicon() : undefined;
  const variantContext: Partial<VariantContext> = lexicon ? { lexicon } : {};
  const unbuildable = unbuildableVariants(variants, file, settings, variantContext);
  if (unbuildable.length === variants.length) {
    throw new PrepareError(
      "no-buildable-variant",
      `no variant of this run can be built for ${input.path}: ${unbuildable.map((u) => `${u.variant}: ${u.reason}`).join(" ")}`,
      "Add the word lists the messages ask for, or choose other variants.",
      unbuildable,
    );
  }
  input.checkSettings?.(settings);
  checkOutputDir(input.outDir);
  // A local path that cannot be a GGUF file is answered at once, without starting the engine.
  if (!input.remote) await checkGgufStart(input.modelPath);
  return {
    ready: true,
    run: { file, fileText, fileSha256, settings, modelPath: input.modelPath, variantContext, plan, variants, unbuildable, outDir: input.outDir, ...(input.study ? { study: input.study } : {}) },
  };
}

/** The run's variant keys with ranges expanded; unknown ids are named with the closest known ones. */
export function variantKeys(list: readonly string[]): string[] {
  let keys: string[];
  try {
    keys = expandVariantKeys(list);
  } catch (e) {
    if (e instanceof VariantError) throw new PrepareError("bad-variant-key", e.message, e.hint);
    throw e;
  }
  const unknown = keys.filter((k) => !getVariant(k));
  if (unknown.length) {
    const named = unknown.map((k) => {
      const guess = closest(parseVariantKey(k).id, VARIANT_IDS);
      return `"${k}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
    });
    throw new PrepareError("unknown-variant", `unknown variant${unknown.length === 1 ? "" : "s"} ${named.join(", ")}; known variants: ${VARIANT_IDS.join(", ")}`);
  }
  return keys;
}
