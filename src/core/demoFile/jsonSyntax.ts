// JSON position helpers. V8's JSON.parse messages changed between Node versions and some carry
// no position at all ("Unexpected end of JSON input"), so instead of parsing messages we run a
// small iterative JSON grammar check on the lines JSON.parse rejected: it yields the same column
// on every Node version and a hint aimed at the usual mistakes (single quotes, trailing commas,
// unquoted keys, an example broken over two lines). It is iterative so that hostile nesting
// ("[[[[...") cannot overflow the stack.

import { printable } from "./text";

export interface JsonSyntaxError {
  /** 0-based offset into the checked text. */
  offset: number;
  message: string;
  hint: string;
}

const HINT_DOUBLE_QUOTES = 'JSON needs double quotes around strings and keys, e.g. {"input": "...", "label": "..."}.';
const HINT_ONE_LINE = "Each example must be one complete JSON object on a single line; write line breaks inside strings as \\n.";

function describe(s: string, i: number): string {
  if (i >= s.length) return "the end of the line";
  const c = s.charAt(i); // in range (checked above)
  if (/[A-Za-z_]/.test(c)) {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(i, i + 30));
    return `'${m ? m[0] : c}'`;
  }
  return `'${printable(c)}'`;
}

/** Offset and explanation of the first JSON syntax error in `s`, or undefined when it is valid. */
export function locateJsonError(s: string): JsonSyntaxError | undefined {
  const n = s.length;
  let i = 0;
  const stack: number[] = []; // 1 = object, 2 = array
  // value: a value is required; value-or-close: "[" was just read;
  // key: a key is required (after ","); key-or-close: "{" was just read.
  let state: "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "after-value" = "value";
  let afterComma = false;

  const err = (offset: number, message: string, hint: string): JsonSyntaxError => ({ offset, message, hint });
  const eof = (): JsonSyntaxError => err(n, stack.length ? "the line ends before the JSON value is complete" : "the line has no JSON value", HINT_ONE_LINE);

  const scanString = (): JsonSyntaxError | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === undefined) break;
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
            return err(i, "bad \\u escape: it needs four hex digits", "Write \\u followed by exactly four hex digits, or write the character itself.");
          }
          i += 6;
          continue;
        }
        if ('"\\/bfnrt'.indexOf(e) === -1) {
          return err(i, `invalid escape '\\${e}' in a string`, 'Valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\.');
        }
        i += 2;
        continue;
      }
      if (c < 0x20) {
        return err(i, "a control character (e.g. a raw tab) inside a string", "Write tabs as \\t and line breaks as \\n inside JSON strings.");
      }
      i++;
    }
    return err(start, "this string is never closed", "Close the string with a double quote; " + HINT_ONE_LINE.charAt(0).toLowerCase() + HINT_ONE_LINE.slice(1));
  };

  const scanNumber = (): JsonSyntaxError | undefined => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === "-" || m[0].length === 0) {
      return err(i, `invalid number starting with ${describe(s, i)}`, "Numbers look like 3, -1.5 or 2e3; put text in double quotes.");
    }
    i += m[0].length;
    // A digit right after a leading zero ("01") or a dangling "." / "e" is invalid JSON too.
    const next = s[i];
    if (next !== undefined && /[0-9.eE]/.test(next)) {
      return err(i, `invalid number near ${describe(s, i)}`, "Numbers look like 3, -1.5 or 2e3; put text in double quotes.");
    }
    return undefined;
  };

  for (;;) {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
    if (state === "after-value") {
      afterComma = false;
      if (stack.length === 0) {
        if (i < n) return err(i, `unexpected ${describe(s, i)} after the end of the JSON value`, "Put exactly one JSON object on each line; remove the extra text.");
        return undefined;
      }
      const top = stack[stack.length - 1];
      const close = top === 1 ? "}" : "]";
      if (i >= n) return eof();
      const c = s.charAt(i); // i < n here
      if (c === ",") {
        i++;
        afterComma = true;
        state = top === 1 ? "key" : "value";
        continue;
      }
      if (c === close) {
        i++;
        stack.pop();
        continue;
      }
      const missingComma = c === '"' || c === "{" || c === "[" || /[0-9tfn-]/.test(c);
      return err(
        i,
        `expected ',' or '${close}' but found ${describe(s, i)}`,
        missingComma ? "Separate the items with a comma." : `Close the ${top === 1 ? "object with '}'" : "array with ']'"} or add a comma.`,
      );
    }
    if (i >= n) return eof();
    const c = s.charAt(i); // i < n here
    if (state === "key" || state === "key-or-close") {
      if (c === "}") {
        if (state === "key") return err(i, "a trailing comma before '}'", "Remove the comma before '}'.");
        i++;
        stack.pop();
        state = "after-value";
        continue;
      }
      if (c !== '"') {
        return err(i, `expected a key in double quotes but found ${describe(s, i)}`, c === "'" ? HINT_DOUBLE_QUOTES : 'Put every key in double quotes, e.g. "label".');
      }
      const e = scanString();
      if (e) return e;
      state = "colon";
      continue;
    }
    if (state === "colon") {
      if (c !== ":") return err(i, `expected ':' after the key but found ${describe(s, i)}`, 'Write each member as "key": value.');
      i++;
      state = "value";
      continue;
    }
    // state is "value" or "value-or-close"
    if (c === "]" && (state === "value-or-close" || afterComma)) {
      if (state === "value") return err(i, "a trailing comma before ']'", "Remove the comma before ']'.");
      i++;
      stack.pop();
      state = "after-value";
      continue;
    }
    afterComma = false;
    if (c === "{") {
      stack.push(1);
      i++;
      state = "key-or-close";
      continue;
    }
    if (c === "[") {
      stack.push(2);
      i++;
      state = "value-or-close";
      continue;
    }
    if (c === '"') {
      const e = scanString();
      if (e) return e;
      state = "after-value";
      continue;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      const e = scanNumber();
      if (e) return e;
      state = "after-value";
      continue;
    }
    const lit = s.startsWith("true", i) ? "true" : s.startsWith("false", i) ? "false" : s.startsWith("null", i) ? "null" : "";
    if (lit) {
      i += lit.length;
      state = "after-value";
      continue;
    }
    const hint = c === "'" || /[A-Za-z_]/.test(c) ? HINT_DOUBLE_QUOTES : "Write a value: a string in double quotes, a number, true, false, null, an object or an array.";
    return err(i, `expected a value but found ${describe(s, i)}`, hint);
  }
}

/** Where one top-level member of a JSON object sits in its text (0-based, end exclusive). */
export interface MemberSpan {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * Spans of the top-level members of a JSON object text that JSON.parse accepted. Used only
 * when a problem needs a precise column (a bad value, an unknown key), so it costs nothing on
 * clean lines. Returns what it found so far on anything unexpected instead of throwing.
 */
export function scanMembers(s: string): MemberSpan[] {
  const out: MemberSpan[] = [];
  const n = s.length;
  let i = 0;
  const ws = () => {
    while (i < n && (s[i] === " " || s[i] === "\t" || s[i] === "\n" || s[i] === "\r")) i++;
  };
  const skipString = (): boolean => {
    if (s[i] !== '"') return false;
    i++;
    while (i < n) {
      if (s[i] === "\\") i += 2;
      else if (s[i] === '"') {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const skipValue = (): boolean => {
    if (s[i] === '"') return skipString();
    if (s[i] === "{" || s[i] === "[") {
      let depth = 0;
      while (i < n) {
        const c = s.charAt(i); // i < n here
        if (c === '"') {
          if (!skipString()) return false;
          continue;
        }
        if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          depth--;
          if (depth === 0) {
            i++;
            return true;
          }
        }
        i++;
      }
      return false;
    }
    const start = i;
    while (i < n && !/[\s,}\]]/.test(s.charAt(i))) i++;
    return i > start;
  };

  ws();
  if (s[i] !== "{") return out;
  i++;
  for (;;) {
    ws();
    if (i >= n || s[i] === "}") return out;
    const keyStart = i;
    if (!skipString()) return out;
    const keyEnd = i;
    let key: string;
    try {
      key = JSON.parse(s.slice(keyStart, keyEnd)) as string;
    } catch {
      return out;
    }
    ws();
    if (s[i] !== ":") return out;
    i++;
    ws();
    const valueStart = i;
    if (!skipValue()) return out;
    out.push({ key, keyStart, keyEnd, valueStart, valueEnd: i });
    ws();
    if (s[i] === ",") i++;
    else return out;
  }
}

/** The span of the LAST member named `key` (JSON.parse keeps the last duplicate). */
export function findMember(s: string, key: string): MemberSpan | undefined {
  return lastMember(scanMembers(s), key);
}

/** The last of `members` named `key` (JSON.parse keeps the last duplicate). */
export function lastMember(members: readonly MemberSpan[], key: string): MemberSpan | undefined {
  let last: MemberSpan | undefined;
  for (const m of members) if (m.key === key) last = m;
  return last;
}
