// The optional header line: a JSON object with the marker key "icl-probe" whose other keys set
// probe settings. Each key is checked on its own so one bad value never hides the others, and
// every problem points at the key or value it is about.
import type { ProbeSettings } from "../types";
import { findMember, lastMember, scanMembers, type MemberSpan } from "./jsonSyntax";
import { HEADER_KEYS, HEADER_MARKER, HEADER_VERSION, checkSetting, type SettingIssue } from "./settings";
import { closest, quote, type LineIndex, type ProblemSink } from "./text";

/** Where the header sits, so later checks (k vs examples, labels vs data) can point into it. */
export interface HeaderInfo {
  line?: number;
  /** Settings keys the header set (with a usable value). */
  keys: Set<keyof ProbeSettings>;
  /** Settings key -> header key as written (labels/classes). */
  written: Map<keyof ProbeSettings, string>;
}

export function emptyHeaderInfo(): HeaderInfo {
  return { keys: new Set(), written: new Map() };
}

/** True when a parsed JSON value is a header object. */
export function isHeaderObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, HEADER_MARKER);
}

/** Spans of the top-level items of an array value text like `[0, 4, 99]` (0-based, relative to the value). */
function itemSpans(valueText: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  if (!valueText.startsWith("[")) return out;
  let depth = 0;
  let start = 1;
  let inStr = false;
  for (let i = 1; i < valueText.length; i++) {
    const c = valueText[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === "[" || c === "{") depth++;
    else if ((c === "]" || c === "}") && depth > 0) depth--;
    else if ((c === "," || c === "]") && depth === 0) {
      let s = start;
      let e = i;
      while (s < e && /\s/.test(valueText.charAt(s))) s++;
      while (e > s && /\s/.test(valueText.charAt(e - 1))) e--;
      out.push({ start: s, end: e });
      start = i + 1;
    }
  }
  return out;
}

// Member and item spans are computed once per header line and key: a header listing thousands
// of values (each with its own problem) must not be rescanned per problem.
const spanCache = new WeakMap<LineIndex, Map<string, { member?: MemberSpan; items?: { start: number; end: number }[] }>>();

function cachedSpans(index: LineIndex, line: number, headerKey: string) {
  let perIndex = spanCache.get(index);
  if (!perIndex) spanCache.set(index, (perIndex = new Map()));
  const cacheKey = `${line}\u0000${headerKey}`;
  let entry = perIndex.get(cacheKey);
  if (!entry) {
    entry = { member: findMember(index.lineText(line), headerKey) };
    perIndex.set(cacheKey, entry);
  }
  return entry;
}

/** Line/column range of a header member's value (or one array item of it). */
export function headerValueRange(index: LineIndex, line: number, headerKey: string, item?: number): { line: number; column: number; endColumn: number } | undefined {
  const entry = cachedSpans(index, line, headerKey);
  const m = entry.member;
  if (!m) return undefined;
  if (item !== undefined) {
    entry.items ??= itemSpans(index.lineText(line).slice(m.valueStart, m.valueEnd));
    const span = entry.items[item];
    if (span) return { line, column: m.valueStart + span.start + 1, endColumn: m.valueStart + span.end + 1 };
  }
  return { line, column: m.valueStart + 1, endColumn: m.valueEnd + 1 };
}

/** Adds a settings issue as a problem at the given range. */
export function addIssue(sink: ProblemSink, issue: SettingIssue, at: { line: number; column: number; endColumn: number }, prefix = ""): void {
  sink.add({ line: at.line, column: at.column, endLine: at.line, endColumn: at.endColumn, severity: issue.severity, code: issue.code, message: prefix + issue.message, hint: issue.hint });
}

/**
 * Reads a header object found on `line`. Returns the settings it sets; problems go to `sink`.
 */
export function readHeader(obj: Record<string, unknown>, line: number, index: LineIndex, sink: ProblemSink, info: HeaderInfo): Partial<ProbeSettings> {
  const text = index.lineText(line);
  const members = scanMembers(text);
  const memberOf = (key: string): MemberSpan | undefined => lastMember(members, key);
  const whole = { line, column: 1, endColumn: text.length + 1 };
  const valueAt = (key: string) => {
    const m = memberOf(key);
    return m ? { line, column: m.valueStart + 1, endColumn: m.valueEnd + 1 } : whole;
  };

  info.line = line;
  const header: Partial<ProbeSettings> = {};
  const version = obj[HEADER_MARKER];
  if (version !== HEADER_VERSION) {
    const at = valueAt(HEADER_MARKER);
    if (typeof version !== "number") {
      sink.add({
        ...at,
        endLine: line,
        severity: "error",
        code: "invalid-setting",
        message: `"${HEADER_MARKER}" must be the format version number ${HEADER_VERSION}, not ${quote(version)}`,
        hint: `Write "${HEADER_MARKER}": ${HEADER_VERSION}.`,
        fix: { line, column: at.column, endColumn: at.endColumn, replacement: String(HEADER_VERSION), title: `Set "${HEADER_MARKER}" to ${HEADER_VERSION}` },
      });
    } else {
      sink.add({
        ...at,
        endLine: line,
        severity: "warning",
        code: "unsupported-version",
        message: `header format version ${version} is not known; reading it as version ${HEADER_VERSION}`,
        hint: `Write "${HEADER_MARKER}": ${HEADER_VERSION}, or update ICL Probe.`,
      });
    }
  }

  const known = Object.keys(HEADER_KEYS);
  for (const key of Object.keys(obj)) {
    if (key === HEADER_MARKER) continue;
    const settingsKey = HEADER_KEYS[key];
    if (!settingsKey || !Object.prototype.hasOwnProperty.call(HEADER_KEYS, key)) {
      const guess = closest(key, known);
      const m = memberOf(key);
      const at = m ? { line, column: m.keyStart + 1, endColumn: m.keyEnd + 1 } : whole;
      sink.add({
        ...at,
        endLine: line,
        severity: "warning",
        code: "unknown-header-key",
        message: `unknown header key ${quote(key)} (ignored)`,
        hint: guess ? `Did you mean "${guess}"?` : `Known keys: ${known.filter((k) => k !== "classes").join(", ")}.`,
        fix: guess && m ? { line, column: at.column, endColumn: at.endColumn, replacement: JSON.stringify(guess), title: `Rename to "${guess}"` } : undefined,
      });
      continue;
    }
    if (info.written.has(settingsKey)) {
      sink.add({
        ...valueAt(key),
        endLine: line,
        severity: "warning",
        code: "duplicate-header-key",
        message: `"${key}" sets the same setting as "${info.written.get(settingsKey)}"; using "${key}"`,
        hint: "Keep only one of them.",
      });
    }
    const checked = checkSetting(settingsKey, obj[key]);
    for (const issue of checked.issues) {
      const at = headerValueRange(index, line, key, issue.item) ?? whole;
      addIssue(sink, issue, at);
    }
    info.written.set(settingsKey, key);
    if (checked.value !== undefined) {
      (header as Record<string, unknown>)[settingsKey] = checked.value;
      info.keys.add(settingsKey);
    }
  }
  return header;
}
