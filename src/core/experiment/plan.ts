// Pure planning of an experiment grid: variant x k x seed -> demo sets, queries and prompts.
// Work is grouped by demonstration set: every query (and content-free calibration input) that shares
// a demo set goes to the engine in the same group, so the engine evaluates each prefix once.
// The plan is data; prompts are built lazily per group (materializeGroup) so that a large grid does
// not hold every prompt in memory and resume can skip finished groups without building them.
import type { DemoFile, Example, ProbeSettings, PromptExample } from "../types";
import { drawQueries, selectDemos } from "../selection";
import { buildPrompt } from "../prompt";
import { createVariant, expandVariantKeys, type VariantContext, type VariantInstance } from "../variants";

import { CONTENT_FREE_INPUTS } from "../calibration";
import { defined } from "../defined";

export class PlanError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** All queries of one demo set for one (variant, k, seed): the unit sent to the engine together. */
export interface PlanGroup {
  /** Stable id (used in score item ids and progress). */
  id: string;
  variant: string;
  k: number;
  seed: number;
  /** Example indices of the demos, in prompt order. */
  demoIndices: number[];
  /** Example indices of the queries scored with this demo set. */
  queries: number[];
  /** Content-free calibration inputs scored with the same demos (empty when calibration is off). */
  calibrationInputs: string[];
}

export interface ExperimentPlan {
  settings: ProbeSettings;
  variants: string[];
  /** Per seed, the query pool (example indices), shared by every variant and k: comparisons are paired. */
  queryPools: Record<number, number[]>;
  /** Queries drawn per seed: settings.queries, capped to the examples left after the largest k. */
  queriesPerSeed: number;
  groups: PlanGroup[];
  /** Number of query records the plan produces (calibration items not counted). */
  totalQueries: number;
  totalCalibration: number;
}

export interface PlanInput {
  file: Pick<DemoFile, "examples" | "classes">;
  settings: ProbeSettings;
}

/**
 * Plans the grid. Deterministic: the same examples and settings give a deep-equal plan.
 * Order: variant, then k, then seed (progress reads "variant X, k = K"), then demo set; with a
 * grid, block by block (gridCells).
 */
export function planExperiment({ file, settings }: PlanInput): ExperimentPlan {
  const examples = file.examples;
  const variants = expandVariantKeys(settings.variants);
  if (variants.length === 0) throw new PlanError("no variants to run", 'pass --variants gold,ra-string or set "variants" in the file header');
  if (settings.k.length === 0) throw new PlanError("no k values to run", 'pass --k 0,4,8 or set "k" in the file header');
  if (settings.seeds.length === 0) throw new PlanError("no seeds to run", 'pass --seeds 1,2,3 or set "seeds" in the file header');
  const cells = gridCells(settings, variants);
  const maxK = Math.max(...cells.map(([, k]) => k));
  // One rule everywhere (parser note "queries-capped", docs): queries beyond the examples left
  // after the largest k are capped, in both selection modes (selection sets aside every query of
  // the seed, a clean train/test split). Only a k that leaves no query at all is an error.
  const queries = Math.min(settings.queries, examples.length - maxK);
  if (queries < 1) {
    throw new PlanError(`${examples.length} examples are too few for k = ${maxK}: every k must leave at least one query`, `use k values up to ${Math.max(0, examples.length - 1)}, or add examples`);
  }
  const queryPools: Record<number, number[]> = {};
  for (const seed of settings.seeds) {
    const pool = drawQueries({ examples, n: queries, seed });
    queryPools[seed] = pool.map((e) => e.index);
  }

  const calibrationInputs = settings.calibrate ? [...CONTENT_FREE_INPUTS] : [];
  const groups: PlanGroup[] = [];
  let totalQueries = 0;
  let totalCalibration = 0;
  // Demo sets depend on (k, seed) only, never on the variant: every variant sees the same demos.
  const demoCache = new Map<string, number[]>();
  const demoSet = (k: number, seed: number, queryIndex: number | undefined, pool: Example[]): number[] => {
    const key = `${k}|${seed}|${queryIndex ?? "fixed"}`;
    let d = demoCache.get(key);
    if (!d) {
      const demos = selectDemos({
        examples,
        k,
        seed,
        mode: settings.selection,
        balance: settings.balance,
        queryIndex,
        queryPool: pool,
        classes: file.classes,
      });
      d = demos.map((e) => e.index);
      demoCache.set(key, d);
    }
    return d;
  };

  for (const [variant, k] of cells) {
    for (const seed of settings.seeds) {
      const poolIdx = defined(queryPools[seed], "query pool of a seed"); // drawn for every seed above
      const pool = examplesAt(examples, poolIdx);
      if (settings.selection === "fixed") {
        const demoIndices = demoSet(k, seed, undefined, pool);
        assertNoLeak(demoIndices, poolIdx, variant, k, seed);
        groups.push({ id: `${variant}|k${k}|s${seed}`, variant, k, seed, demoIndices, queries: [...poolIdx], calibrationInputs });
        totalCalibration += calibrationInputs.length;
      } else {
        for (const q of poolIdx) {
          const demoIndices = demoSet(k, seed, q, pool);
          assertNoLeak(demoIndices, [q], variant, k, seed);
          groups.push({ id: `${variant}|k${k}|s${seed}|q${q}`, variant, k, seed, demoIndices, queries: [q], calibrationInputs });
          totalCalibration += calibrationInputs.length;
        }
      }
      totalQueries += poolIdx.length;
    }
  }
  return { settings, variants, queryPools, queriesPerSeed: queries, groups, totalQueries, totalCalibration };
}

/** The plan without the given variants' groups (variants an engine cannot run), totals updated. */
export function withoutVariants(plan: ExperimentPlan, drop: readonly string[]): ExperimentPlan {
  if (drop.length === 0) return plan;
  const gone = new Set(drop);
  const groups = plan.groups.filter((g) => !gone.has(g.variant));
  return {
    ...plan,
    variants: plan.variants.filter((v) => !gone.has(v)),
    groups,
    totalQueries: groups.reduce((n, g) => n + g.queries.length, 0),
    totalCalibration: groups.reduce((n, g) => n + g.calibrationInputs.length, 0),
  };
}

/**
 * The (variant, k) cells of the plan, in the order they run: every variant at every k of the
 * settings, or with a grid the blocks' cells block by block (a cell listed twice runs once, where
 * it comes first), k in the settings' order. A grid runs its blocks in order so that a study can
 * put its main k first: the first demo set, on which the run estimates its time, is then a
 * typical one. A grid must agree with the settings' variants and k (their union), so the manifest
 * says what ran.
 */
function gridCells(settings: ProbeSettings, variants: readonly string[]): [string, number][] {
  if (!settings.grid) return variants.flatMap((v) => settings.k.map((k): [string, number] => [v, k]));
  const out: [string, number][] = [];
  const seen = new Set<string>();
  for (const block of settings.grid) {
    for (const k of block.k) {
      if (!settings.k.includes(k))
        throw new PlanError(`the grid runs k = ${k}, which the settings' k (${settings.k.join(", ")}) does not list`, "build the grid and the settings together (src/core/study does)");
    }
    for (const v of expandVariantKeys(block.variants)) {
      if (!variants.includes(v)) throw new PlanError(`the grid runs ${v}, which the settings' variants do not list`, "build the grid and the settings together (src/core/study does)");
      for (const k of settings.k.filter((x) => block.k.includes(x))) {
        if (seen.has(`${v}|${k}`)) continue;
        seen.add(`${v}|${k}`);
        out.push([v, k]);
      }
    }
  }
  const missing = variants.find((v) => !out.some(([x]) => x === v));
  if (missing) throw new PlanError(`${missing} is in the settings' variants but in no block of the grid`, "add it to a block, or drop it from the variants");
  return out;
}

/** The example at a plan index: plan indices are positions in the file's examples, so a miss is an internal error. */
export function exampleAt(examples: readonly Example[], index: number): Example {
  return defined(examples[index], `example #${index} of the plan`);
}

/** The examples at plan indices, in their order (see exampleAt). */
export function examplesAt(examples: readonly Example[], indices: readonly number[]): Example[] {
  return indices.map((i) => exampleAt(examples, i));
}

function assertNoLeak(demos: number[], queries: number[], variant: string, k: number, seed: number): void {
  const q = new Set(queries);
  const leak = demos.find((d) => q.has(d));
  if (leak !== undefined) {
    // A selection bug would silently inflate accuracy; refuse to run instead.
    throw new PlanError(`internal: query example ${leak} is among its own demos (${variant}, k = ${k}, seed ${seed})`, "report this as a bug");
  }
}

/** One query (or calibration input) of a group, ready for the engine. */
export interface MaterializedItem {
  /** Unique within the run: `${group.id}|q${queryIndex}` or `${group.id}|cf${i}`. */
  id: string;
  kind: "query" | "calibration";
  queryIndex: number;
  /** Query input as shown to the model (after the variant). */
  input: string;
  gold: string;
  goldAlt?: string;
  prefix: string;
  query: string;
  labelSep: string;
  labels: string[];
  /** The demonstrations as rendered in `prefix` (after the variant; shared by the group's items). */
  demos: readonly PromptExample[];
}

/** Variant instances keyed by `${variant}|${seed}`: g and h are drawn once per seed (as in the paper's code). */
export class VariantCache {
  private readonly map = new Map<string, VariantInstance>();
  constructor(
    private readonly file: Pick<DemoFile, "examples" | "classes">,
    private readonly settings: ProbeSettings,
    private readonly extra: Partial<VariantContext> = {},
  ) {}
  /** The context createVariant receives (callers add lexicon, word lists or a tokenizer through `extra`). */
  context(seed: number): VariantContext {
    return {
      seed,
      examples: this.file.examples,
      classes: this.file.classes,
      verbalizers: this.settings.verbalizers,
      settings: this.settings,
      wordLists: this.settings.wordLists,
      ...this.extra,
    };
  }
  /** Registers an instance created elsewhere (token-level variants are created asynchronously, see the runner). */
  set(variant: string, seed: number, inst: VariantInstance): void {
    this.map.set(`${variant}|${seed}`, inst);
  }
  get(variant: string, seed: number): VariantInstance {
    const key = `${variant}|${seed}`;
    let v = this.map.get(key);
    if (!v) {
      v = createVariant(variant, this.context(seed));
      this.map.set(key, v);
    }
    return v;
  }
}

/** Builds the prompts of one group: calibration inputs first, so calibrated scores are ready for every query. */
export function materializeGroup(
  plan: ExperimentPlan,
  group: PlanGroup,
  file: Pick<DemoFile, "examples" | "classes">,
  variants: VariantCache,
  skip?: (queryIndex: number) => boolean,
): MaterializedItem[] {
  const v = variants.get(group.variant, group.seed);
  const ex = file.examples;
  const demos = v.demos(examplesAt(ex, group.demoIndices));
  const items: MaterializedItem[] = [];
  group.calibrationInputs.forEach((input, i) => {
    const p = buildPrompt(plan.settings, demos, input, v.labelSpace);
    items.push({ id: `${group.id}|cf${i}`, kind: "calibration", queryIndex: -1, input, gold: "", prefix: p.prefix, query: p.query, labelSep: p.labelSep, labels: p.labels, demos });
  });
  for (const qi of group.queries) {
    if (skip?.(qi)) continue;
    const q = v.query(exampleAt(ex, qi));
    const p = buildPrompt(plan.settings, demos, q.input, v.labelSpace);
    items.push({
      id: `${group.id}|q${qi}`,
      kind: "query",
      queryIndex: qi,
      input: q.input,
      gold: q.gold,
      ...(q.goldAlt !== undefined ? { goldAlt: q.goldAlt } : {}),
      prefix: p.prefix,
      query: p.query,
      labelSep: p.labelSep,
      labels: p.labels,
      demos,
    });
  }
  return items;
}
