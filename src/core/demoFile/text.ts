// Text helpers shared by the demo-file readers: line splitting, offset -> line/column, edit
// distance and the problem collector that keeps every position inside the text.
import type { Problem } from "../types";
import { defined } from "../defined";

/**
 * Normalises line breaks to "\n". VS Code counts "\r\n", "\r" and "\n" each as one line break,
 * so after this the line numbers and the columns within a line equal the editor's.
 * A leading byte-order mark is dropped (VS Code hides it from the document text as well).
 */
export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.indexOf("\r") === -1 ? noBom : noBom.replace(/\r\n?/g, "\n");
}

/** Lines of normalised text with offset -> 1-based line/column lookup. */
export class LineIndex {
  readonly lines: string[];
  readonly starts: number[];

  constructor(readonly text: string) {
    this.lines = text.split("\n");
    this.starts = [];
    let offset = 0;
    for (const line of this.lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** 1-based line and column (UTF-16 code units, like VS Code) of a 0-based text offset. */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    // lo <= mid <= hi stay within starts, which has an entry for every line (at least one).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - defined(this.starts[lo], "start of a line") + 1 };
  }

  /** Text of a 1-based line ("" outside the file). */
  lineText(line: number): string {
    return this.lines[line - 1] ?? "";
  }
}

/** Levenshtein distance (two-row dynamic programme; inputs here are short keys and labels). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  // prev and cur have b.length + 1 entries and j <= b.length.
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo: equal ignoring
 * case, or within roughly a third of the longer word's length in edits. Ties are broken by
 * candidate order; an ambiguous tie returns undefined (no fix is better than a wrong one).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) {
      tie = true;
    }
  }
  if (best === undefined || tie) return undefined;
  const limit = Math.max(1, Math.round(Math.max(word.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}

// C0 and C1 control characters, DEL, and the bidirectional overrides/isolates: a terminal acts
// on them (colours, cursor moves, reordered text), so text from a file never reaches one raw.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** `s` with control characters written as \u escapes (tabs and line breaks kept). */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Short, single-line rendering of user text for messages (control characters escaped). */
export function quote(value: unknown, max = 40): string {
  let s: string;
  try {
    s = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  s = printable(s.replace(/\s+/g, " "));
  if (s.length > max) s = s.slice(0, max - 1) + "…";
  return `'${s}'`;
}

/** A Problem before the file name is attached; the column defaults to 1. */
export type ProblemInput = Omit<Problem, "file" | "column"> & { column?: number };

/**
 * Collects problems and clamps every position into the text, so a bug in a position
 * computation can never hand an editor an out-of-range range. A fix whose range had to be
 * clamped is dropped rather than applied to the wrong text.
 */
export class ProblemSink {
  readonly problems: Problem[] = [];

  constructor(
    readonly file: string,
    readonly index: LineIndex,
  ) {}

  add(p: ProblemInput): Problem {
    const n = this.index.lineCount;
    const line = clampInt(p.line, 1, n);
    const len = this.index.lineText(line).length;
    const column = clampInt(p.column ?? 1, 1, len + 1);
    const problem: Problem = {
      file: this.file,
      line,
      column,
      severity: p.severity,
      code: p.code,
      message: p.message,
      hint: p.hint,
    };
    if (p.endLine !== undefined || p.endColumn !== undefined) {
      const endLine = clampInt(p.endLine ?? line, line, n);
      const endLen = this.index.lineText(endLine).length;
      const minEnd = endLine === line ? column : 1;
      problem.endLine = endLine;
      problem.endColumn = clampInt(p.endColumn ?? endLen + 1, minEnd, endLen + 1);
    }
    if (p.fix) {
      const f = p.fix;
      const fLen = this.index.lineText(f.line).length;
      if (f.line >= 1 && f.line <= n && f.column >= 1 && f.endColumn >= f.column && f.endColumn <= fLen + 1) {
        problem.fix = { ...f };
      }
    }
    this.problems.push(problem);
    return problem;
  }

  /** A problem spanning the whole of a line. */
  addLine(line: number, p: Omit<ProblemInput, "line" | "column" | "endColumn">): Problem {
    const len = this.index.lineText(line).length;
    return this.add({ ...p, line, column: 1, endLine: line, endColumn: len + 1 });
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.min(hi, Math.max(lo, Math.trunc(v)));
}
