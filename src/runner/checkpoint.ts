// Crash-safe persistence of a run in its output directory.
//  - results.json is always replaced atomically (write <name>.tmp-<pid>, fsync, rename), so a reader
//    or a crash never sees half a file.
//  - results.journal.jsonl gets one line per scored query as soon as the runner has it (not
//    fsynced: the data is in the OS page cache once write() returns, so a killed or crashed
//    process loses nothing; only an OS crash could). Rewriting a multi-megabyte results.json after
//    every query would cost more than scoring it on small models, so the atomic snapshot is
//    refreshed at most every `snapshotEveryMs` and whenever the run stops; the journal bounds the
//    loss on a kill to what the engine had not returned yet.
// Resume reads results.json, then the journal (a torn last line from a kill is ignored).
import * as nodeFs from "node:fs";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { QueryRecord } from "../core/types";
import type { CalibrationRecord } from "../core/results/schema";

export const RESULTS_FILE = "results.json";
export const JOURNAL_FILE = "results.journal.jsonl";

/**
 * The file-system calls every write of a run goes through. Tests replace members to simulate a
 * full disk or a failing rename (there is no small tmpfs to fill in CI); restore them after.
 */
export const writeFs = {
  openSync: nodeFs.openSync,
  writeSync: nodeFs.writeSync as (fd: number, buffer: Uint8Array, offset: number, length: number) => number,
  fsyncSync: nodeFs.fsyncSync,
  closeSync: nodeFs.closeSync,
  renameSync: nodeFs.renameSync,
  rmSync: nodeFs.rmSync,
  mkdirSync: nodeFs.mkdirSync,
};

/** A results folder or file that cannot be written: what happened, where, and what to do. */
export class OutputError extends Error {
  override readonly name = "OutputError";
  constructor(
    /** "disk-full" (ENOSPC, EDQUOT), "not-writable" (read-only, no permission, a file in the path), "io" (anything else). */
    readonly code: "disk-full" | "not-writable" | "io",
    readonly path: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Turns a Node file-system error into an OutputError with a plain message. */
export function outputError(e: unknown, path: string): OutputError {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOSPC":
    case "EDQUOT":
      return new OutputError("disk-full", path, `disk full while writing ${path}`, "Free disk space (or choose another --out folder), then run again with --resume.");
    case "EROFS":
      return new OutputError("not-writable", path, `cannot write ${path}: the file system is read-only`, "Choose a writable results folder (--out, or the iclProbe.resultsFolder setting).");
    case "EACCES":
    case "EPERM":
      return new OutputError(
        "not-writable",
        path,
        `cannot write ${path}: permission denied`,
        "Choose a folder you can write to (--out, or the iclProbe.resultsFolder setting), or fix its permissions.",
      );
    case "ENOTDIR":
    case "EEXIST":
      return new OutputError("not-writable", path, `cannot write ${path}: part of the path is a file, not a folder`, "Choose a results folder whose path is made of folders (--out).");
    case "EISDIR":
      return new OutputError("not-writable", path, `cannot write ${path}: it is a folder`, "Remove or rename that folder, or choose another --out.");
    default:
      return new OutputError("io", path, `cannot write ${path}: ${err?.message ?? String(e)}`, "Check the results folder and the disk, then run again (--resume keeps what was scored).");
  }
}

/** Writes all of `bytes` (writeSync may write fewer bytes than asked; 0 bytes means the disk is full). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    const n = writeFs.writeSync(fd, bytes, off, bytes.length - off);
    if (!(n > 0)) throw Object.assign(new Error("no space left on device (write returned 0 bytes)"), { code: "ENOSPC" });
    off += n;
  }
}

/**
 * Writes `text` to `path` atomically: the whole text into a temp file in the same folder, fsync,
 * then rename over `path`. On any failure the temp file is removed and `path` keeps its previous
 * content; the error is an OutputError.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  let fd: number | undefined;
  try {
    writeFs.mkdirSync(dirname(path), { recursive: true });
    fd = writeFs.openSync(tmp, "w");
    writeAll(fd, Buffer.from(text, "utf8"));
    writeFs.fsyncSync(fd);
    writeFs.closeSync(fd);
    fd = undefined;
    writeFs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        writeFs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      writeFs.rmSync(tmp, { force: true });
    } catch {
      /* best effort */
    }
    throw outputError(e, path);
  }
}

/**
 * Checks before any model time that a run's results folder can be created and written: the
 * folder is created and a probe file written and removed. Throws OutputError.
 */
export function checkOutputDir(dir: string): void {
  writeFileAtomic(join(dir, `.icl-probe-write-check-${process.pid}`), "ok\n");
  try {
    writeFs.rmSync(join(dir, `.icl-probe-write-check-${process.pid}`), { force: true });
  } catch (e) {
    throw outputError(e, dir);
  }
}

export type JournalEntry = { type: "record"; fingerprint: string; record: QueryRecord } | { type: "calibration"; fingerprint: string; record: CalibrationRecord };

/** Whether a file exists, is not empty and does not end with a line break (reads one byte). */
function endsTorn(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) return false;
  const fd = nodeFs.openSync(path, "r");
  try {
    const b = Buffer.alloc(1);
    nodeFs.readSync(fd, b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } finally {
    nodeFs.closeSync(fd);
  }
}

export class Journal {
  private fd: number | undefined;
  /** Query records written whole to the journal by this process. */
  records = 0;
  constructor(readonly path: string) {}

  /** Appends whole lines; throws OutputError (a torn last line is ignored by read). */
  append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    try {
      if (this.fd === undefined) {
        writeFs.mkdirSync(dirname(this.path), { recursive: true });
        // A line torn by an earlier failure must not swallow the next entry: start on a new line.
        const torn = endsTorn(this.path);
        this.fd = writeFs.openSync(this.path, "a");
        if (torn) writeAll(this.fd, Buffer.from("\n"));
      }
      writeAll(this.fd, Buffer.from(entries.map((e) => JSON.stringify(e)).join("\n") + "\n", "utf8"));
    } catch (e) {
      throw outputError(e, this.path);
    }
    for (const e of entries) if (e.type === "record") this.records++;
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        writeFs.closeSync(this.fd);
      } catch {
        /* the data written so far is in the file */
      }
    }
    this.fd = undefined;
  }

  /** Removes the journal once its content is in an atomic snapshot of a finished run. */
  remove(): void {
    this.close();
    try {
      writeFs.rmSync(this.path, { force: true });
    } catch (e) {
      throw outputError(e, this.path);
    }
  }

  /** Entries of a journal written for `fingerprint` (or any of a set: a run and the run it extends); a torn or foreign line is skipped, not fatal. */
  static read(path: string, fingerprint: string | ReadonlySet<string>): JournalEntry[] {
    const ours = typeof fingerprint === "string" ? new Set([fingerprint]) : fingerprint;
    if (!existsSync(path)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (e && ours.has(e.fingerprint) && (e.type === "record" || e.type === "calibration")) out.push(e);
      } catch {
        // The line being written when the process was killed: that query is re-scored.
      }
    }
    return out;
  }
}
