// A small pure-JS GGUF header reader for the model picker: architecture, quantization, vocabulary
// size and context length, read from the metadata and tensor table at the start of the file.
// The extension host must never load node-llama-cpp (native, ESM, may abort on bad files), so
// this reads only bytes, bounded by the file size, and reports a clear error for files that are
// not GGUF, truncated or corrupt. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
import { open, type FileHandle } from "node:fs/promises";

export interface GgufHeaderInfo {
  path: string;
  sizeBytes: number;
  version: number;
  architecture: string;
  name?: string;
  /** Human name of general.file_type, or the dominant tensor type when the key is absent. */
  quantization: string;
  vocabSize?: number;
  contextLength?: number;
  tokenizerModel?: string;
  tensorCount: number;
}

export class GgufHeaderError extends Error {
  constructor(
    readonly file: string,
    readonly code: "not-gguf" | "truncated" | "corrupt" | "unsupported" | "io",
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "GgufHeaderError";
  }
}

/** llama_ftype (general.file_type) -> name, as llama.cpp prints it. */
const FILE_TYPES: Record<number, string> = {
  0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
  12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
  19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
  26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
};
/** ggml_type (per tensor) -> name. */
const TENSOR_TYPES: Record<number, string> = {
  0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K",
  12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
  20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 30: "BF16",
};
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Buffered sequential reader over a file handle that never reads past the end of the file. */
class Reader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly file: string,
  ) {}

  private async ensure(n: number): Promise<void> {
    if (this.pos + n > this.size) throw new GgufHeaderError(this.file, "truncated", `the file ends inside its GGUF header (needed ${n} bytes at offset ${this.pos}, file has ${this.size}); the download may be incomplete`);
    const end = this.bufStart + this.buf.length;
    if (this.pos >= this.bufStart && this.pos + n <= end) return;
    const len = Math.min(Math.max(n, 1 << 16), this.size - this.pos);
    const b = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(b, 0, len, this.pos);
    if (bytesRead < n) throw new GgufHeaderError(this.file, "truncated", `could not read ${n} bytes at offset ${this.pos}`);
    this.buf = b.subarray(0, bytesRead);
    this.bufStart = this.pos;
  }
  private off(): number {
    return this.pos - this.bufStart;
  }
  async u32(): Promise<number> {
    await this.ensure(4);
    const v = this.buf.readUInt32LE(this.off());
    this.pos += 4;
    return v;
  }
  async u64(): Promise<number> {
    await this.ensure(8);
    const v = this.buf.readBigUInt64LE(this.off());
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufHeaderError(this.file, "corrupt", `an 8-byte count at offset ${this.pos - 8} is absurdly large`);
    return Number(v);
  }
  async skip(n: number): Promise<void> {
    if (this.pos + n > this.size) throw new GgufHeaderError(this.file, "truncated", `the file ends inside its GGUF header (offset ${this.pos} + ${n} > ${this.size})`);
    this.pos += n;
  }
  async string(maxKeep = 4096): Promise<string> {
    const len = await this.u64();
    if (len > this.size - this.pos) throw new GgufHeaderError(this.file, "corrupt", `a string length (${len}) at offset ${this.pos - 8} runs past the end of the file`);
    if (len > maxKeep) {
      await this.skip(len);
      return "";
    }
    await this.ensure(len);
    const s = this.buf.toString("utf8", this.off(), this.off() + len);
    this.pos += len;
    return s;
  }
  async scalar(type: number): Promise<number | boolean> {
    const size = SCALAR_SIZE[type];
    await this.ensure(size);
    const o = this.off();
    let v: number | boolean;
    switch (type) {
      case 0: v = this.buf.readUInt8(o); break;
      case 1: v = this.buf.readInt8(o); break;
      case 2: v = this.buf.readUInt16LE(o); break;
      case 3: v = this.buf.readInt16LE(o); break;
      case 4: v = this.buf.readUInt32LE(o); break;
      case 5: v = this.buf.readInt32LE(o); break;
      case 6: v = this.buf.readFloatLE(o); break;
      case 7: v = this.buf.readUInt8(o) !== 0; break;
      case 10: v = Number(this.buf.readBigUInt64LE(o)); break;
      case 11: v = Number(this.buf.readBigInt64LE(o)); break;
      default: v = this.buf.readDoubleLE(o);
    }
    this.pos += size;
    return v;
  }
}

type Value = number | boolean | string | { arrayType: number; length: number };

async function readValue(r: Reader, type: number, file: string): Promise<Value> {
  if (type === 8) return r.string();
  if (type === 9) {
    const arrayType = await r.u32();
    const length = await r.u64();
    if (arrayType === 8) {
      for (let i = 0; i < length; i++) await r.string(0);
    } else if (SCALAR_SIZE[arrayType] !== undefined) {
      await r.skip(length * SCALAR_SIZE[arrayType]);
    } else if (arrayType === 9) {
      throw new GgufHeaderError(file, "unsupported", "nested arrays in GGUF metadata are not supported by this reader");
    } else throw new GgufHeaderError(file, "corrupt", `unknown GGUF array element type ${arrayType} at offset ${r.pos}`);
    return { arrayType, length };
  }
  if (SCALAR_SIZE[type] === undefined) throw new GgufHeaderError(file, "corrupt", `unknown GGUF value type ${type} at offset ${r.pos - 4}`);
  return r.scalar(type);
}

/** Reads the GGUF header of `path`. Throws GgufHeaderError with a specific, actionable message. */
export async function readGgufHeader(path: string): Promise<GgufHeaderInfo> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GgufHeaderError(path, "io", code === "ENOENT" ? "the file does not exist" : code === "EISDIR" ? "this is a folder, not a .gguf file" : (e as Error).message);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new GgufHeaderError(path, "io", "this is a folder, not a .gguf file");
    const r = new Reader(fh, st.size, path);
    if (st.size < 4) throw new GgufHeaderError(path, "not-gguf", `the file is ${st.size} bytes long: not a GGUF model`);
    const magic = Buffer.alloc(4);
    await fh.read(magic, 0, 4, 0);
    if (magic.toString("latin1") !== "GGUF") throw new GgufHeaderError(path, "not-gguf", "not a GGUF model (the file does not start with the 'GGUF' magic bytes)");
    r.pos = 4;
    const version = await r.u32();
    if (version < 2 || version > 3) throw new GgufHeaderError(path, "unsupported", `GGUF version ${version} is not supported (expected 2 or 3)`);
    const tensorCount = await r.u64();
    const kvCount = await r.u64();
    // Every key-value needs at least 12 bytes: a bound that rejects garbage counts early.
    if (kvCount * 12 > st.size || tensorCount * 24 > st.size) throw new GgufHeaderError(path, "corrupt", `the header claims ${kvCount} metadata entries and ${tensorCount} tensors, more than fit in ${st.size} bytes`);
    const kv = new Map<string, Value>();
    for (let i = 0; i < kvCount; i++) {
      const key = await r.string();
      const type = await r.u32();
      kv.set(key, await readValue(r, type, path));
    }
    const types = new Map<number, number>();
    for (let i = 0; i < tensorCount; i++) {
      await r.string(0);
      const nDims = await r.u32();
      if (nDims > 8) throw new GgufHeaderError(path, "corrupt", `tensor ${i} claims ${nDims} dimensions`);
      let elements = 1;
      for (let d = 0; d < nDims; d++) elements *= await r.u64();
      const t = await r.u32();
      await r.u64();
      types.set(t, (types.get(t) ?? 0) + elements);
    }
    const arch = kv.get("general.architecture");
    if (typeof arch !== "string" || !arch) throw new GgufHeaderError(path, "corrupt", "the metadata has no general.architecture; the file is not a usable model");
    const ft = kv.get("general.file_type");
    let quantization = typeof ft === "number" ? FILE_TYPES[ft] ?? `type ${ft}` : "";
    if (!quantization) {
      // No file_type key: name the tensor type holding most weights (F32 norms aside).
      const dominant = [...types.entries()].sort((a, b) => b[1] - a[1])[0];
      quantization = dominant ? TENSOR_TYPES[dominant[0]] ?? `type ${dominant[0]}` : "unknown";
    }
    const tokens = kv.get("tokenizer.ggml.tokens");
    const ctx = kv.get(`${arch}.context_length`);
    const name = kv.get("general.name");
    const tok = kv.get("tokenizer.ggml.model");
    return {
      path,
      sizeBytes: st.size,
      version,
      architecture: arch,
      name: typeof name === "string" ? name : undefined,
      quantization,
      vocabSize: typeof tokens === "object" ? tokens.length : undefined,
      contextLength: typeof ctx === "number" ? ctx : undefined,
      tokenizerModel: typeof tok === "string" ? tok : undefined,
      tensorCount,
    };
  } finally {
    await fh.close();
  }
}

