// Problem.fix (1-based line/columns, end column exclusive) as a 0-based text edit, and applying
// it to text: the quick-fix provider uses the edit, the tests use applyFix to check that a fix
// really removes its problem. Pure.
import type { Problem } from "../core/types";

export interface FixEdit {
  /** 0-based line and columns; `end` is exclusive. */
  line: number;
  start: number;
  end: number;
  text: string;
  title: string;
}

export function fixEdit(p: Problem): FixEdit | undefined {
  if (!p.fix) return undefined;
  const { line, column, endColumn, replacement, title } = p.fix;
  if (line < 1 || column < 1 || endColumn < column) return undefined;
  return { line: line - 1, start: column - 1, end: endColumn - 1, text: replacement, title };
}

export function applyFix(text: string, e: FixEdit): string {
  const lines = text.split("\n");
  const l = lines[e.line];
  if (l === undefined) return text;
  lines[e.line] = l.slice(0, e.start) + e.text + l.slice(e.end);
  return lines.join("\n");
}
