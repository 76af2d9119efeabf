/**
 * Reading an element the code has already proven to exist (an index below the array's length,
 * a key put into the map a few lines up). With `noUncheckedIndexedAccess` such reads are typed
 * `T | undefined`; `defined()` turns a broken invariant into an error that says what was
 * missing, instead of a silent `undefined` flowing into scores, or a bare `!` that hides it.
 * Use it only for invariants: where absence is a normal case, handle it in place.
 */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} is missing`);
  return value;
}
