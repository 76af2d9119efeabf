// Reading a results file: parse, migrate older versions, validate against the schema of the
// current version (schema.ts, through core/schemaCheck.ts) and report the first failing path
// with the file name.
import { checker } from "../schemaCheck";
import { migrateResults, ResultsError } from "./migrate";
import { RESULTS_SCHEMA_VERSION, ResultsFileSchema, type ResultsFile } from "./schema";

const results = checker(ResultsFileSchema);

/** Validates an in-memory document of the current version; throws ResultsError on the first problem. */
export function assertValidResults(doc: unknown, file: string): asserts doc is ResultsFile {
  const p = results.problem(doc);
  if (p) throw new ResultsError(file, p.path, `invalid results file: ${p.message}`);
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
