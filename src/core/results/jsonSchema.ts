// JSON Schema (draft-07) of the current results file version. docs/results.schema.json is a copy
// of this object (test/unit/results.test.ts fails when they drift), so the documented schema is
// the one the loader enforces. Extra properties are allowed so newer minor additions still load.

const num = { type: "number" } as const;
const int = { type: "integer" } as const;
const str = { type: "string" } as const;
const intArray = { type: "array", items: int } as const;

const labelScore = {
  type: "object",
  required: ["label", "logProb", "meanLogProb", "firstTokenLogProb", "tokens", "prob"],
  properties: {
    label: str,
    logProb: num,
    meanLogProb: num,
    firstTokenLogProb: num,
    firstTokenLogit: num,
    tokens: { type: "integer", minimum: 0 },
    prob: { type: "number", minimum: 0, maximum: 1.000001 },
    score: num,
  },
} as const;

// A pattern, not an enum of today's codes: a file from a newer build with a new code still loads
// (the UI explains unknown codes generically, see warningInfo).
const warningCode = { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" } as const;

const scoreWarning = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: warningCode,
    message: str,
    labels: { type: "array", items: str },
    tokens: intArray,
    demo: { type: "integer", minimum: 1 },
  },
} as const;

const warningList = { type: "array", items: scoreWarning } as const;

const settings = {
  type: "object",
  required: ["template", "separator", "k", "seeds", "queries", "selection", "variants"],
  properties: {
    template: str,
    separator: str,
    instruction: str,
    classes: { type: "array", items: str },
    verbalizers: { type: "object", additionalProperties: str },
    k: { type: "array", items: { type: "integer", minimum: 0 } },
    seeds: intArray,
    queries: { type: "integer", minimum: 1 },
    selection: { enum: ["fixed", "per-query"] },
    balance: { type: "boolean" },
    calibrate: { type: "boolean" },
    variants: { type: "array", items: str, minItems: 1 },
    // v3, optional: a plan of blocks (variants x k) instead of every variant at every k (a study).
    grid: {
      type: "array",
      items: { type: "object", required: ["variants", "k"], properties: { variants: { type: "array", items: str, minItems: 1 }, k: { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1 } } },
    },
  },
} as const;

// v3, optional: the study a run is (icl-probe study, src/core/study).
const study = {
  type: "object",
  required: ["id", "name", "k", "kCurve", "draws", "figures"],
  properties: {
    id: str,
    name: str,
    k: { type: "integer", minimum: 0 },
    kCurve: { type: "array", items: { type: "integer", minimum: 0 } },
    draws: { type: "integer", minimum: 0 },
    figures: { type: "array", items: str },
  },
} as const;

const queryRecord = {
  type: "object",
  required: ["variant", "k", "seed", "queryIndex", "demoIndices", "input", "gold", "labels", "predicted", "goldRank"],
  properties: {
    variant: str,
    k: { type: "integer", minimum: 0 },
    seed: int,
    queryIndex: { type: "integer", minimum: 0 },
    demoIndices: intArray,
    input: str,
    gold: str,
    goldAlt: str,
    labels: { type: "array", items: labelScore, minItems: 1 },
    predicted: str,
    tied: { type: "array", items: str, minItems: 2 },
    goldRank: { type: "integer", minimum: 1 },
    calibrated: {
      type: "object",
      required: ["predicted", "probs"],
      properties: { predicted: str, probs: { type: "array", items: num } },
    },
    warnings: warningList,
  },
} as const;

export const RESULTS_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://icl-probe.dev/results.schema.json",
  title: "ICL Probe results file",
  type: "object",
  required: ["schemaVersion", "manifest", "records"],
  properties: {
    schemaVersion: { const: 3 },
    manifest: {
      type: "object",
      required: ["tool", "engine", "model", "demoFile", "settings", "planFingerprint", "startedAt", "status", "progress", "machine"],
      properties: {
        tool: { type: "object", required: ["name", "version"], properties: { name: { const: "icl-probe" }, version: str } },
        engine: {
          type: "object",
          required: ["name", "version", "threads"],
          properties: {
            name: str,
            version: str,
            threads: int,
            threadsReason: str,
            mode: { enum: ["exact", "fast"] },
            kvCacheType: { type: "object", required: ["key", "value"], properties: { key: str, value: str } },
            flashAttention: { type: "boolean" },
            batchSize: int,
            contextSize: int,
            concurrency: { type: "integer", minimum: 1 },
          },
        },
        model: {
          type: "object",
          required: ["path", "fileName", "sizeBytes", "sha256", "architecture", "vocabSize"],
          properties: {
            path: str,
            fileName: str,
            sizeBytes: { type: "integer", minimum: 0 },
            sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
            architecture: str,
            vocabSize: { type: "integer", minimum: 0 },
            tokenizerModel: str,
            trainContextSize: int,
            quantization: str,
            remote: { type: "object", required: ["api", "host", "model"], properties: { api: { enum: ["vllm", "sglang"] }, host: str, model: str } },
          },
        },
        demoFile: {
          type: "object",
          required: ["path", "sha256", "format", "examples", "classes"],
          properties: {
            path: str,
            sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
            format: { enum: ["jsonl", "json", "csv", "tsv", "label-text"] },
            shape: str,
            encoding: str,
            examples: { type: "integer", minimum: 0 },
            classes: { type: "array", items: str },
          },
        },
        settings,
        planFingerprint: str,
        startedAt: str,
        endedAt: str,
        skipped: {
          type: "array",
          items: { type: "object", required: ["variant", "code", "reason"], properties: { variant: str, k: int, seed: int, code: str, reason: str } },
        },
        mappings: {
          type: "array",
          items: {
            type: "object",
            required: ["variant", "seed", "rows"],
            properties: { variant: str, seed: int, rows: { type: "array", items: { type: "object", required: ["from", "to"], properties: { from: str, to: str, chain: { type: "array", items: str }, note: str } } } },
          },
        },
        status: { enum: ["running", "interrupted", "failed", "complete"] },
        progress: { type: "object", required: ["done", "total"], properties: { done: int, total: int } },
        machine: {
          type: "object",
          required: ["platform", "arch", "cpus", "node"],
          properties: { platform: str, arch: str, cpus: int, node: str },
        },
        error: str,
        study,
      },
    },
    records: { type: "array", items: queryRecord },
    calibration: {
      type: "array",
      items: {
        type: "object",
        required: ["variant", "k", "seed", "demoIndices", "input", "labels"],
        properties: { variant: str, k: int, seed: int, demoIndices: intArray, input: str, labels: { type: "array", items: labelScore }, warnings: warningList },
      },
    },
    baselines: {
      type: "array",
      items: {
        type: "object",
        required: ["variant", "k", "seed", "n", "majorityCorrect", "logregCorrect"],
        properties: { variant: str, k: int, seed: int, n: int, majorityCorrect: num, logregCorrect: num },
      },
    },
    warnings: {
      type: "object",
      required: ["run", "summary"],
      properties: {
        run: { type: "array", items: { ...scoreWarning, properties: { ...scoreWarning.properties, variant: str, seed: int } } },
        summary: {
          type: "array",
          items: {
            type: "object",
            required: ["code", "queries", "occurrences", "calibration", "run", "cells"],
            properties: {
              code: warningCode,
              queries: { type: "integer", minimum: 0 },
              occurrences: { type: "integer", minimum: 0 },
              calibration: { type: "integer", minimum: 0 },
              run: { type: "integer", minimum: 0 },
              cells: {
                type: "array",
                items: { type: "object", required: ["variant", "k", "queries"], properties: { variant: str, k: int, queries: { type: "integer", minimum: 1 } } },
              },
            },
          },
        },
      },
    },
  },
} as const;
