// One way to check a value against a schema defined with TypeBox (results/schema.ts, the
// webview protocol): ajv compiles the schema once, and a failure is reported as the first
// failing JSON path with a sentence a user can act on. ajv is pure JS, so it may live in core.
import Ajv, { type ValidateFunction } from "ajv";
import { Type, type Static, type TSchema } from "@sinclair/typebox";

export interface SchemaProblem {
  /** JSON pointer of the first failing value, "/" for the root. */
  path: string;
  message: string;
}

// allErrors off: the message names the first problem, which is what a user can act on.
const ajv = new Ajv({ allErrors: false, strict: false });

export interface Checker<T extends TSchema> {
  /** undefined when `value` is valid, else the first problem. */
  problem(value: unknown): SchemaProblem | undefined;
  is(value: unknown): value is Static<T>;
}

/** Compiles `schema` on first use. */
export function checker<T extends TSchema>(schema: T): Checker<T> {
  let validate: ValidateFunction | undefined;
  const run = (value: unknown): ValidateFunction => {
    validate ??= ajv.compile(schema);
    validate(value);
    return validate;
  };
  return {
    problem(value) {
      const err = run(value).errors?.[0];
      if (!err) return undefined;
      const message =
        err.keyword === "required"
          ? `missing property "${(err.params as { missingProperty: string }).missingProperty}"`
          : err.keyword === "enum"
            ? `${err.message} (${(err.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(", ")})`
            : (err.message ?? err.keyword);
      return { path: err.instancePath || "/", message };
    },
    is(value): value is Static<T> {
      return run(value).errors == null;
    },
  };
}

/**
 * A closed set of strings as a JSON Schema enum (TypeBox's documented StringEnum pattern) rather
 * than a union of literals: ajv then names the allowed values when a value is another one.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}
