// Reading a results file: parse, migrate older versions, validate against the JSON Schema with
// ajv (pure JS, so it may live in core) and report the first failing path with the file name.
import Ajv from "ajv";
import { RESULTS_JSON_SCHEMA } from "./jsonSchema";
import { migrateResults, ResultsError } from "./migrate";
import { RESULTS_SCHEMA_VERSION, type ResultsFile } from "./schema";

let validator: ReturnType<Ajv["compile"]> | undefined;
function validate(doc: unknown): ReturnType<Ajv["compile"]> {
  if (!validator) {
    // allErrors off: the message names the first problem, which is what a user can act on.
    const ajv = new Ajv({ allErrors: false, strict: false });
    validator = ajv.compile(RESULTS_JSON_SCHEMA);
  }
  validator(doc);
  return validator;
}

/** Validates an in-memory document of the current version; throws ResultsError on the first problem. */
export function assertValidResults(doc: unknown, file: string): asserts doc is ResultsFile {
  const v = validate(doc);
  const err = v.errors?.[0];
  if (err) {
    const extra =
      err.keyword === "required"
        ? `missing property "${(err.params as { missingProperty: string }).missingProperty}"`
        : err.keyword === "enum"
          ? `${err.message} (${(err.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(", ")})`
          : err.message ?? err.keyword;
    throw new ResultsError(file, err.instancePath || "/", `invalid results file: ${extra}`);
  }
}

/** Parses, migrates and validates the text of a results file. */
export function parseResults(text: string, file: string): ResultsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ResultsError(file, "", `not valid JSON (${(e as Error).message}); was the run interrupted while writing? Results are written atomically, so try results.json rather than a .tmp file`);
  }
  const migrated = migrateResults(doc, file, RESULTS_SCHEMA_VERSION);
  assertValidResults(migrated, file);
  return migrated;
}
