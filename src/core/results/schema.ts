// The results file (results.json), defined once: every part of it is a TypeBox schema here, and
// the TypeScript types (Static<>), the loader's ajv validation (load.ts) and docs/results.schema.json
// (written by the build, checked by test/unit/results.test.ts) are all derived from it. To add a
// field, add it here, with its description, and nowhere else (docs/RESULTS_SCHEMA.md, "Adding a
// field"). TypeBox because its schemas are plain JSON Schema objects: ajv, which the loader already
// uses, validates them as they are, and the documented schema is exactly the enforced one.
// Versioned so that files written by older builds still load (see migrate.ts). Pure: no file access.
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { WarningCode } from "../warnings";
import { StringEnum } from "../schemaCheck";
import type { FigureId } from "../figures/types";

/** Bump when the shape changes incompatibly; add a step to migrate.ts for the previous version. */
export const RESULTS_SCHEMA_VERSION = 3;

const Count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Str = (description?: string) => Type.String(description ? { description } : {});
const Sha256 = (description: string) => Type.String({ pattern: "^[0-9a-f]{64}$", description });
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);

// Warning codes are a pattern, not an enum of today's codes: a file from a newer build with a
// new code still loads (the UI explains unknown codes generically, see warningInfo).
const WarningCodeSchema = Type.Unsafe<WarningCode>(Type.String({ pattern: "^[a-z0-9]+(-[a-z0-9]+)*$", description: "Stable kebab-case code (src/core/warnings.ts)." }));

export const ScoreWarningSchema = Type.Object(
  {
    code: WarningCodeSchema,
    message: Str("A sentence naming what was found, with the labels and token ids."),
    labels: Opt(Type.Array(Type.String(), { description: "Labels concerned, when the warning is about particular labels." })),
    tokens: Opt(Type.Array(Type.Integer(), { description: "Token ids concerned (the merged, differing or shared tokens)." })),
    demo: Opt(Type.Integer({ minimum: 1, description: "1-based position of the demonstration concerned, for the demo checks." })),
  },
  { description: "One warning about one scored query (or content-free calibration input)." },
);
export type ScoreWarning = Static<typeof ScoreWarningSchema>;

export const RunWarningSchema = Type.Composite([ScoreWarningSchema, Type.Object({ variant: Opt(Str()), seed: Opt(Type.Integer()) })], {
  description: "A warning about the run rather than one query (a variant that fell back, an old file).",
});
export type RunWarning = Static<typeof RunWarningSchema>;

export const WarningCountSchema = Type.Object(
  {
    code: WarningCodeSchema,
    queries: Count("Query records carrying the code."),
    occurrences: Count("Occurrences on query records (a record may carry a code for several labels)."),
    calibration: Count("Calibration (content-free) records carrying the code."),
    run: Count("Run-level warnings with the code."),
    cells: Type.Array(Type.Object({ variant: Str(), k: Type.Integer(), queries: Type.Integer({ minimum: 1 }) }), {
      description: "Query records carrying the code per variant and k, in order of first appearance.",
    }),
  },
  { description: "Per-run count of one code." },
);
export type WarningCount = Static<typeof WarningCountSchema>;

export const RunWarningsSchema = Type.Object(
  { run: Type.Array(RunWarningSchema), summary: Type.Array(WarningCountSchema) },
  { description: "Run-level warnings and the per-code counts of the whole run (src/core/warnings.ts); written by every v3 run." },
);
export type RunWarnings = Static<typeof RunWarningsSchema>;

export const LabelScoreSchema = Type.Object(
  {
    label: Str(),
    logProb: Type.Number({ description: "log p(label tokens | prompt): sum of teacher-forced token log-probs (natural log)." }),
    meanLogProb: Type.Number({ description: "logProb / number of label tokens." }),
    firstTokenLogProb: Type.Number({ description: "Log-prob of the label's first token." }),
    firstTokenLogit: Opt(
      Type.Number({
        description:
          "Results v3, local engine only: the raw (unnormalised) logit of the label's first token, as llama.cpp computed it. firstTokenLogProb is this minus the log-softmax normaliser of that position, which all labels of a query share (unless a boundary merge moves a label's start).",
      }),
    ),
    tokens: Count("Number of label tokens (from joint tokenization)."),
    prob: Type.Number({ minimum: 0, maximum: 1.000001, description: "exp(logProb) renormalised over the candidate labels." }),
    score: Opt(
      Type.Number({
        description:
          "v3, g-linear only: the candidate's score under a scorer that is not the language model (cosine similarity of the predicted and the candidate's input embedding). When present, logProb = meanLogProb = firstTokenLogProb = log(prob) and prob is the softmax of the scores: a normalisation for ranks and charts, not a model's probability.",
      }),
    ),
  },
  { description: "Per-label scores from the engine for one query." },
);
export type LabelScore = Static<typeof LabelScoreSchema>;

export const DemoFormatSchema = StringEnum(["jsonl", "json", "csv", "tsv", "label-text"], {
  description: "Shapes the parser reads: JSON Lines, a JSON array of objects, CSV, TSV, LABEL:text lines.",
});
export type DemoFormat = Static<typeof DemoFormatSchema>;

export const SelectionModeSchema = StringEnum(["fixed", "per-query"], { description: "One demo set per seed, or demos re-drawn per query." });
export type SelectionMode = Static<typeof SelectionModeSchema>;

const WordList = Type.Record(Type.String(), Type.Array(Type.String()));
const ColumnRef = Type.Union([Type.String(), Type.Number()]);

export const GridBlockSchema = Type.Object(
  {
    variants: Type.Array(Type.String(), { minItems: 1 }),
    k: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }),
  },
  { description: 'One block of a grid: these variants (keys or draw ranges such as "ra-token#0..49") at these k.' },
);
export type GridBlock = Static<typeof GridBlockSchema>;

export const ProbeSettingsSchema = Type.Object(
  {
    template: Str('Example template with {input} and {label}, e.g. "Review: {input}\\nSentiment: {label}".'),
    separator: Str("Text between consecutive examples (and between the last demo and the query)."),
    instruction: Str('Text placed before the first example (may be "").'),
    classes: Opt(Type.Array(Type.String(), { description: "Declared classes in order; absent: taken from the data (first appearance)." })),
    verbalizers: Type.Record(Type.String(), Type.String(), { description: "class -> label word shown in the prompt (identity when absent)." }),
    k: Type.Array(Type.Integer({ minimum: 0 }), { description: "Numbers of demonstrations." }),
    seeds: Type.Array(Type.Integer()),
    queries: Type.Integer({ minimum: 1, description: "Queries per variant, k and seed." }),
    selection: SelectionModeSchema,
    balance: Type.Boolean({ description: "Demo sets drawn balanced over the classes." }),
    calibrate: Type.Boolean({ description: "Contextual calibration (Zhao et al. 2021)." }),
    variants: Type.Array(Type.String(), { minItems: 1, description: "Variant keys (src/core/variants/keys.ts)." }),
    wordLists: Opt(
      Type.Object(
        { synonyms: Opt(WordList), antonyms: Opt(WordList), keywords: Opt(WordList) },
        { description: "User word lists for the natural-g variants: label word -> candidates, consulted before WordNet." },
      ),
    ),
    columns: Opt(
      Type.Object(
        { input: Opt(ColumnRef), label: Opt(ColumnRef) },
        { description: 'Where input and label are read from: a column or key name, a 1-based column number, or a template such as "{title}. {description}".' },
      ),
    ),
    labelMap: Opt(Type.Union([Type.Record(Type.String(), Type.String()), Type.Array(Type.String())], { description: "Raw label -> class name, or the lines of a classes file." })),
    headerRow: Opt(Type.Boolean({ description: "CSV/TSV: whether the first row names the columns (absent: detected)." })),
    format: Opt(DemoFormatSchema),
    grid: Opt(
      Type.Array(GridBlockSchema, {
        description:
          "Results v3, optional: the grid as blocks of variants x k, for a plan whose variants do not all run at every k (a study: tau_RA over a k curve, the correlation draws at one k). Absent: every variant at every k. When present, variants and k are the union of the blocks' (set by whoever builds the grid, e.g. src/core/study), and the plan runs only the blocks' cells.",
      }),
    ),
  },
  { description: "Settings of a probe: defaults <- file header <- CLI flags / editor settings." },
);
export type ProbeSettings = Static<typeof ProbeSettingsSchema>;

export const QueryRecordSchema = Type.Object(
  {
    variant: Str("Variant key, e.g. gold, ra-string, ra-string#3."),
    k: Type.Integer({ minimum: 0 }),
    seed: Type.Integer(),
    queryIndex: Type.Integer({ minimum: 0, description: "Index (Example.index) of the query example." }),
    demoIndices: Type.Array(Type.Integer(), { description: "Indices of the demonstration examples, in prompt order." }),
    input: Str("The query input as shown to the model (after the variant)."),
    gold: Str("Gold label word in the variant's label space."),
    goldAlt: Opt(Str("Second gold where a variant keeps two (flipped labels: the original label).")),
    labels: Type.Array(LabelScoreSchema, { minItems: 1 }),
    predicted: Str('The label with the highest logProb; "" (no prediction) when several labels tie for it (src/core/labelDecision.ts).'),
    tied: Opt(Type.Array(Type.String(), { minItems: 2, description: "Labels sharing the highest logProb, when two or more do (the query then counts as wrong)." })),
    goldRank: Type.Integer({ minimum: 1, description: "1-based rank of the gold label by logProb; equal scores count against it, so 1 means predicted === gold." }),
    calibrated: Opt(Type.Object({ predicted: Str(), probs: Type.Array(Type.Number()) }, { description: 'Contextual calibration, when enabled; predicted is "" on a tie.' })),
    warnings: Opt(Type.Array(ScoreWarningSchema, { description: "What the engine and the runner found about this query (absent when nothing)." })),
  },
  { description: "One scored query of a run: the unit of the results file." },
);
export type QueryRecord = Static<typeof QueryRecordSchema>;

export const RunStatusSchema = StringEnum(["running", "interrupted", "failed", "complete"]);
export type RunStatus = Static<typeof RunStatusSchema>;

export const ModelManifestSchema = Type.Object(
  {
    path: Str("Path as given by the user (absolute)."),
    fileName: Str(),
    sizeBytes: Count(),
    sha256: Sha256("Streamed SHA-256 of the whole file, lower-case hex."),
    architecture: Str(),
    vocabSize: Count(),
    tokenizerModel: Opt(Str()),
    trainContextSize: Opt(Type.Integer()),
    quantization: Opt(Str()),
    remote: Opt(
      Type.Object(
        { api: StringEnum(["vllm", "sglang"]), host: Str("The server's host[:port], nothing else of the URL."), model: Str("The served model name.") },
        {
          description:
            'A model served by vLLM or SGLang (docs/REMOTE.md). For these, path is "<api>+http(s)://host#model", sizeBytes 0, and sha256 hashes the model name and its tokenizer (there is no file).',
        },
      ),
    ),
  },
  { description: "The model as identified from the file itself (GGUF metadata via the engine's info request)." },
);
export type ModelManifest = Static<typeof ModelManifestSchema>;

export const SkippedCellSchema = Type.Object(
  {
    variant: Str(),
    k: Opt(Type.Integer()),
    seed: Opt(Type.Integer()),
    // Any string in the file, so that a newer build's code still loads; these three in this build.
    code: Type.Unsafe<"variant-unbuildable" | "context-overflow" | "labels-share-tokens">(Type.String()),
    reason: Str(),
  },
  { description: "A variant, or one (variant, k, seed) cell, left out of a run before scoring, with the reason." },
);
export type SkippedCell = Static<typeof SkippedCellSchema>;

const SCORING_MODES = ["exact", "fast"] as const;
export const ScoringModeSchema = StringEnum(SCORING_MODES, {
  description:
    'How label scores are computed (docs/ENGINE.md "Scoring modes"): "exact" (the default) keeps the KV cache in F32 and agrees with a from-scratch evaluation to ~1e-5; "fast" uses the F16 KV cache and decodes several queries per batch from a shared demo prefix.',
});
export type ScoringMode = Static<typeof ScoringModeSchema>;

export const EngineManifestSchema = Type.Object(
  {
    name: Type.Unsafe<"node-llama-cpp" | "vllm" | "sglang">(Type.String()),
    version: Str("node-llama-cpp's version, or the server's as it reports it."),
    threads: Type.Integer({ description: "Threads llama.cpp used (0 for a server)." }),
    threadsReason: Opt(Str("v3, local engine: why this thread count (the rule that chose it, or the user's setting).")),
    mode: Opt(StringEnum(SCORING_MODES, { description: "v3, local engine: scoring mode; part of the plan fingerprint, so a resume never mixes modes." })),
    kvCacheType: Opt(Type.Object({ key: Str(), value: Str() }, { description: "v3: llama.cpp KV cache element types (F32 in exact mode, F16 in fast mode)." })),
    flashAttention: Opt(Type.Boolean({ description: "v3: whether flash attention was on (always false today)." })),
    batchSize: Opt(Type.Integer({ description: "v3: llama.cpp batch size of the largest context the run used." })),
    contextSize: Opt(Type.Integer({ description: "v3: largest context size (tokens) the run used; the engine sizes it to the longest prompt." })),
    sequences: Opt(
      Type.Integer({
        minimum: 1,
        description: "v3, local engine: KV-cache sequences of the context; queries on different sequences were decoded in one batch (1 in exact mode; the fast mode's lanes, 8).",
      }),
    ),
    measuredDeviationFromExact: Opt(
      Type.Number({
        minimum: 0,
        description:
          'v3, fast mode: the largest |logProb difference| (nats) from exact mode that the benchmark measured for this mode (docs/ENGINE.md "Scoring modes"); a measured figure, not a guarantee. Absent in exact mode.',
      }),
    ),
    concurrency: Opt(Type.Integer({ minimum: 1, description: "Remote: requests in flight at most." })),
  },
  { description: "The engine configuration that produced the scores (node-llama-cpp, or the server that scored). Fields marked v3 are absent in older files." },
);
export type EngineManifest = Static<typeof EngineManifestSchema>;

export const StudyManifestSchema = Type.Object(
  {
    id: Str(),
    name: Str(),
    k: Type.Integer({ minimum: 0, description: "The study's main k." }),
    kCurve: Type.Array(Type.Integer({ minimum: 0 })),
    draws: Type.Integer({ minimum: 0 }),
    // Any string in the file, so that a newer build's figure still loads; FigureId in this build.
    figures: Type.Array(Type.Unsafe<FigureId>(Type.String()), { description: "The figures of the study (all of them, also when --figures ran a subset)." }),
  },
  { description: "v3, optional: the study this run is (`icl-probe study`, src/core/study): its id, main k, k curve, draws and figures." },
);
export type StudyManifest = Static<typeof StudyManifestSchema>;

export const RunManifestSchema = Type.Object({
  tool: Type.Object({ name: Type.Literal("icl-probe"), version: Str() }),
  engine: EngineManifestSchema,
  model: ModelManifestSchema,
  demoFile: Type.Object({
    path: Str(),
    sha256: Sha256("SHA-256 of the file's bytes."),
    format: DemoFormatSchema,
    shape: Opt(Str('What the parser recognised (v3), e.g. "headerless CSV, 3 columns (...)".')),
    encoding: Opt(Str("Text encoding, when not UTF-8 (v3).")),
    examples: Count("Valid examples."),
    classes: Type.Array(Type.String()),
  }),
  settings: ProbeSettingsSchema,
  planFingerprint: Str("Hash of everything that determines the plan and the numbers; resume refuses a mismatch."),
  startedAt: Str("ISO-8601 UTC."),
  endedAt: Opt(Str()),
  status: RunStatusSchema,
  progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }, { description: "Scored queries / planned queries (calibration items not counted)." }),
  machine: Type.Object({ platform: Str(), arch: Str(), cpus: Type.Integer(), node: Str() }),
  error: Opt(Str("Why the run stopped early, when it did.")),
  skipped: Opt(Type.Array(SkippedCellSchema, { description: "Cells of the grid that were not run, and why (v3): unbuildable variants, prompts longer than the context." })),
  mappings: Opt(
    Type.Array(
      Type.Object({
        variant: Str(),
        seed: Type.Integer(),
        rows: Type.Array(Type.Object({ from: Str(), to: Str(), chain: Opt(Type.Array(Type.String())), note: Opt(Str()) })),
      }),
      { description: "The label words natural-g variants chose (v3): per variant and seed, each class's label word and its synonym/antonym/keyword (or chain), with where it came from." },
    ),
  ),
  study: Opt(StudyManifestSchema),
});
export type RunManifest = Static<typeof RunManifestSchema>;

export const CalibrationRecordSchema = Type.Object(
  {
    variant: Str(),
    k: Type.Integer(),
    seed: Type.Integer(),
    demoIndices: Type.Array(Type.Integer()),
    input: Str(),
    labels: Type.Array(LabelScoreSchema),
    warnings: Opt(Type.Array(ScoreWarningSchema, { description: "What the engine found about this content-free prompt (absent when nothing)." })),
  },
  { description: 'Scores of one content-free input ("N/A", "", "[MASK]") with the same demos as the queries of a demo set (contextual calibration, Zhao et al. 2021).' },
);
export type CalibrationRecord = Static<typeof CalibrationRecordSchema>;

export const BaselineRecordSchema = Type.Object(
  {
    variant: Str(),
    k: Type.Integer(),
    seed: Type.Integer(),
    n: Type.Integer({ description: "Queries evaluated." }),
    majorityCorrect: Type.Number({ description: "Correct predictions of the demos' majority class (expected counts on ties and at k = 0, so possibly fractional)." }),
    logregCorrect: Type.Number({ description: "Correct predictions of logistic regression trained on the demos." }),
  },
  { description: "Model-free baselines on exactly the demos the model saw, for one (variant, k, seed)." },
);
export type BaselineRecord = Static<typeof BaselineRecordSchema>;

export const ResultsFileSchema = Type.Object(
  {
    schemaVersion: Type.Literal(RESULTS_SCHEMA_VERSION),
    manifest: RunManifestSchema,
    records: Type.Array(QueryRecordSchema),
    calibration: Opt(Type.Array(CalibrationRecordSchema)),
    baselines: Opt(Type.Array(BaselineRecordSchema)),
    warnings: Opt(RunWarningsSchema),
  },
  {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://icl-probe.dev/results.schema.json",
    title: "ICL Probe results file",
    description: "What a run writes (results.json) and what the report, the CSV export and the editor read back. Extra properties are allowed so that files with newer optional fields still load.",
  },
);
export type ResultsFile = Static<typeof ResultsFileSchema>;

/** Stable identity of a query record within a run (resume skips keys already present). */
export function recordKey(r: { variant: string; k: number; seed: number; queryIndex: number }): string {
  return `${r.variant}\u0001${r.k}\u0001${r.seed}\u0001${r.queryIndex}`;
}

/** Identity of a calibration record: content-free input with a given demo set. */
export function calibrationKey(r: { variant: string; k: number; seed: number; demoIndices: readonly number[]; input: string }): string {
  return `${r.variant}\u0001${r.k}\u0001${r.seed}\u0001${r.demoIndices.join(",")}\u0001${r.input}`;
}
