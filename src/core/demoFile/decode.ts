// Bytes -> text for demonstration files, and the file kinds that are not text at all. Spreadsheet
// exports on Windows are often UTF-16 with a byte-order mark, and data-set downloads are often
// Parquet, zip or gzip files, Git LFS pointers or HTML pages: each gets one clear problem instead
// of a page of "invalid JSON" lines full of control bytes. Pure: TextDecoder is part of the
// language runtime (Node, browsers), not a file-system access.

export interface DecodedText {
  text: string;
  /** "utf-8", "utf-8 (BOM)", "utf-16le", "utf-16be", "windows-1252". */
  encoding: string;
  /** A file that is not text (or not data): what it is and what to do. */
  unsupported?: { shape: string; hint: string };
}

const MAGIC: { bytes: number[]; shape: string; hint: string }[] = [
  { bytes: [0x50, 0x41, 0x52, 0x31], shape: "a Parquet file", hint: 'Export it as CSV or JSON Lines first, e.g. with pandas: pd.read_parquet(FILE).to_json(OUT, orient="records", lines=True).' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], shape: "a zip archive (or an Excel .xlsx workbook)", hint: "Unpack it, or save the sheet as CSV, then open the CSV." },
  { bytes: [0x1f, 0x8b], shape: "a gzip-compressed file", hint: "Decompress it first (gunzip FILE), then open the result." },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], shape: "an SQLite database", hint: "Export the table as CSV first (sqlite3 -csv -header DB 'select ...' > out.csv)." },
  { bytes: [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], shape: "an Arrow file", hint: "Export it as CSV or JSON Lines first." },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], shape: "a zstd-compressed file", hint: "Decompress it first (zstd -d FILE), then open the result." },
];

function startsWith(b: Uint8Array, magic: number[]): boolean {
  if (b.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic[i]) return false;
  return true;
}

/** Share of zero bytes at even and at odd offsets of the first 4 KB (UTF-16 without a BOM shows up as one of them near 1/2). */
function zeroShares(b: Uint8Array): { even: number; odd: number; any: boolean } {
  const n = Math.min(b.length, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  return { even: n ? even / Math.ceil(n / 2) : 0, odd: n ? odd / Math.floor(Math.max(1, n) / 2) : 0, any: even + odd > 0 };
}

/** Decodes a demonstration file's bytes; never throws. */
export function decodeDemoBytes(bytes: Uint8Array): DecodedText {
  for (const m of MAGIC) if (startsWith(bytes, m.bytes)) return { text: "", encoding: "binary", unsupported: { shape: m.shape, hint: m.hint } };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8 (BOM)" };
  const z = zeroShares(bytes);
  if (z.any) {
    // UTF-16 without a byte-order mark: ASCII text has a zero in every other byte.
    if (z.odd > 0.3 && z.even < 0.05) return { text: new TextDecoder("utf-16le").decode(bytes), encoding: "utf-16le (no BOM)" };
    if (z.even > 0.3 && z.odd < 0.05) return { text: new TextDecoder("utf-16be").decode(bytes), encoding: "utf-16be (no BOM)" };
    return {
      text: "",
      encoding: "binary",
      unsupported: { shape: "a binary file (it contains zero bytes)", hint: "Demonstration files are text: JSON Lines, a JSON array, CSV/TSV or LABEL:text lines. Export the data in one of these." },
    };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    // Not UTF-8: most likely a legacy Windows code page (spreadsheets, old corpora).
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

/** Text files that hold no data: a Git LFS pointer, an HTML page (a download of the web page instead of the raw file). */
export function textNotData(text: string): { shape: string; hint: string } | undefined {
  const head = text.slice(0, 512).trimStart();
  if (head.startsWith("version https://git-lfs.github.com/spec/")) {
    return { shape: "a Git LFS pointer, not the data itself", hint: "Fetch the real file (git lfs pull in the repository, or download the file itself rather than its pointer)." };
  }
  if (/^<!doctype html|^<html[\s>]/i.test(head)) {
    return { shape: "an HTML page, not a data file", hint: 'This is what a browser shows for the file; download the raw file instead (the "raw" or "download" link).' };
  }
  return undefined;
}
