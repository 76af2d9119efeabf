// A GGUF v3 writer for test fixtures, benchmark models and the embedded toy model.
// Format: ggml's docs/gguf.md (little-endian): magic "GGUF", version 3, tensor count (u64),
// metadata count (u64), typed key/value pairs, tensor infos (name, dims innermost first, ggml
// type, data offset), padding to `general.alignment` (32), then the aligned tensor data.
// Tensor data can be produced lazily (`fill`) so that a 135M-parameter random model never needs
// its float32 weights in memory at once: writeGguf streams tensor by tensor.
import { closeSync, openSync, writeSync } from "node:fs";
import { encodeValues, type TensorType } from "./encode";
import { GGML_TYPES, ggmlByteSize } from "./ggmlTypes";

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types (gguf.md, enum gguf_metadata_value_type). */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

export type { TensorType } from "./encode";

export type ScalarType = Exclude<GgufValueType, GgufValueType.ARRAY>;
export type GgufScalar = number | bigint | boolean | string;

/** One metadata entry. Arrays carry their element type; scalars their own type. */
export type GgufKv = { key: string; type: ScalarType; value: GgufScalar } | { key: string; type: GgufValueType.ARRAY; itemType: ScalarType; value: readonly GgufScalar[] };

export interface GgufTensor {
  name: string;
  /** ggml order: innermost (contiguous) dimension first. A (out, in) matrix is [in, out]. */
  dims: readonly number[];
  type: TensorType;
  /** The values in row-major order of the reversed dims (i.e. dims[0] varies fastest). */
  data?: Float32Array;
  /** Lazy alternative to `data`: fill `out` with elements [start, start + out.length). */
  fill?: (start: number, out: Float32Array) => void;
}

export interface GgufSpec {
  metadata: GgufKv[];
  tensors: GgufTensor[];
  /** Data alignment; written as general.alignment when not 32. */
  alignment?: number;
}

// ---- small helpers to build metadata --------------------------------------------------------
export const kv = {
  str: (key: string, value: string): GgufKv => ({ key, type: GgufValueType.STRING, value }),
  u32: (key: string, value: number): GgufKv => ({ key, type: GgufValueType.UINT32, value }),
  i32: (key: string, value: number): GgufKv => ({ key, type: GgufValueType.INT32, value }),
  f32: (key: string, value: number): GgufKv => ({ key, type: GgufValueType.FLOAT32, value }),
  bool: (key: string, value: boolean): GgufKv => ({ key, type: GgufValueType.BOOL, value }),
  strs: (key: string, value: readonly string[]): GgufKv => ({ key, type: GgufValueType.ARRAY, itemType: GgufValueType.STRING, value }),
  f32s: (key: string, value: readonly number[]): GgufKv => ({ key, type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32, value }),
  i32s: (key: string, value: readonly number[]): GgufKv => ({ key, type: GgufValueType.ARRAY, itemType: GgufValueType.INT32, value }),
};

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Bytes of a tensor's data for its type (block types need rows that are whole blocks: 32 or 256 values). */
export function tensorByteSize(t: Pick<GgufTensor, "dims" | "type" | "name">): number {
  const block = GGML_TYPES[t.type].block;
  if ((t.dims[0] ?? 1) % block !== 0) {
    throw new Error(`tensor ${t.name}: ${t.type} needs an innermost dimension divisible by ${block}, got ${t.dims[0]}`);
  }
  return ggmlByteSize(t.type, elementCount(t.dims), `tensor ${t.name}`);
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

// ---- header encoding ------------------------------------------------------------------------
class ByteSink {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  u64(v: number | bigint) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  str(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  concat() {
    return Buffer.concat(this.parts, this.length);
  }
}

/** Byte size and encoder of every fixed-size scalar type (little-endian, as GGUF stores them). */
const FIXED_SCALARS: Record<Exclude<ScalarType, GgufValueType.STRING>, [bytes: number, write: (b: Buffer, v: GgufScalar) => void]> = {
  [GgufValueType.BOOL]: [1, (b, v) => b.writeUInt8(v ? 1 : 0)],
  [GgufValueType.UINT8]: [1, (b, v) => b.writeUInt8(Number(v))],
  [GgufValueType.INT8]: [1, (b, v) => b.writeInt8(Number(v))],
  [GgufValueType.UINT16]: [2, (b, v) => b.writeUInt16LE(Number(v))],
  [GgufValueType.INT16]: [2, (b, v) => b.writeInt16LE(Number(v))],
  [GgufValueType.UINT32]: [4, (b, v) => b.writeUInt32LE(Number(v))],
  [GgufValueType.INT32]: [4, (b, v) => b.writeInt32LE(Number(v))],
  [GgufValueType.FLOAT32]: [4, (b, v) => b.writeFloatLE(Number(v))],
  [GgufValueType.UINT64]: [8, (b, v) => b.writeBigUInt64LE(BigInt(v as number | bigint))],
  [GgufValueType.INT64]: [8, (b, v) => b.writeBigInt64LE(BigInt(v as number | bigint))],
  [GgufValueType.FLOAT64]: [8, (b, v) => b.writeDoubleLE(Number(v))],
};

function writeScalar(sink: ByteSink, type: ScalarType, value: GgufScalar, key: string): void {
  const bad = () => new Error(`metadata ${key}: value ${String(value)} does not fit type ${GgufValueType[type]}`);
  if (type === GgufValueType.STRING) {
    if (typeof value !== "string") throw bad();
    sink.str(value);
    return;
  }
  const fixed = FIXED_SCALARS[type];
  if (!fixed) throw bad();
  const [bytes, write] = fixed;
  const b = Buffer.alloc(bytes);
  try {
    write(b, value);
  } catch {
    throw bad();
  }
  sink.push(b);
}

interface Layout {
  header: Buffer;
  /** Each tensor with its data offset and byte size, in file order. */
  placed: { tensor: GgufTensor; offset: number; size: number }[];
  dataSize: number;
  alignment: number;
}

function layout(spec: GgufSpec): Layout {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = [...spec.metadata];
  const keys = new Set<string>();
  for (const m of metadata) {
    if (keys.has(m.key)) throw new Error(`metadata key ${m.key} appears twice`);
    keys.add(m.key);
  }
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !keys.has("general.alignment")) {
    metadata.push(kv.u32("general.alignment", alignment));
  }
  const names = new Set<string>();
  const placed: Layout["placed"] = [];
  let dataSize = 0;
  for (const t of spec.tensors) {
    if (names.has(t.name)) throw new Error(`tensor ${t.name} appears twice`);
    names.add(t.name);
    if (t.data && t.data.length !== elementCount(t.dims)) {
      throw new Error(`tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(", ")}]`);
    }
    if (!t.data && !t.fill) throw new Error(`tensor ${t.name} has neither data nor fill`);
    dataSize = align(dataSize, alignment);
    const size = tensorByteSize(t);
    placed.push({ tensor: t, offset: dataSize, size });
    dataSize += size;
  }
  const s = new ByteSink();
  s.push(Buffer.from(GGUF_MAGIC, "latin1"));
  s.u32(GGUF_VERSION);
  s.u64(spec.tensors.length);
  s.u64(metadata.length);
  for (const m of metadata) {
    s.str(m.key);
    s.u32(m.type);
    if (m.type === GgufValueType.ARRAY) {
      s.u32(m.itemType);
      s.u64(m.value.length);
      for (const v of m.value) writeScalar(s, m.itemType, v, m.key);
    } else {
      writeScalar(s, m.type, m.value, m.key);
    }
  }
  for (const { tensor: t, offset } of placed) {
    s.str(t.name);
    s.u32(t.dims.length);
    for (const d of t.dims) s.u64(d);
    s.u32(GGML_TYPES[t.type].id);
    s.u64(offset);
  }
  const header = s.concat();
  const padded = Buffer.alloc(align(header.length, alignment));
  header.copy(padded);
  return { header: padded, placed, dataSize, alignment };
}

/** Rows encoded per chunk when streaming (keeps memory small for big tensors). */
const CHUNK_VALUES = 1 << 20;

/** Encodes one tensor chunk by chunk; `emit` receives consecutive byte pieces. */
function encodeTensor(t: GgufTensor, emit: (b: Buffer) => void): void {
  const n = elementCount(t.dims);
  const row = t.dims[0] || 1;
  // Chunks hold whole rows so that quantization blocks never straddle a chunk.
  const chunk = Math.max(row, Math.floor(CHUNK_VALUES / row) * row);
  const scratch = new Float32Array(Math.min(chunk, n));
  for (let start = 0; start < n; start += chunk) {
    const len = Math.min(chunk, n - start);
    const vals = t.data ? t.data.subarray(start, start + len) : scratch.subarray(0, len);
    if (!t.data) t.fill!(start, vals);
    emit(t.type === "F32" ? Buffer.from(Float32Array.from(vals).buffer) : encodeValues(t.type, vals));
  }
}

function emitAll(spec: GgufSpec, emit: (b: Buffer) => void): number {
  const l = layout(spec);
  emit(l.header);
  let pos = 0;
  for (const { tensor, offset, size } of l.placed) {
    if (offset > pos) emit(Buffer.alloc(offset - pos));
    encodeTensor(tensor, emit);
    pos = offset + size;
  }
  // Pad the file end too, as gguf-py does, so that concatenated readers never read short.
  const end = align(pos, l.alignment);
  if (end > pos) emit(Buffer.alloc(end - pos));
  return l.header.length + end;
}

/** Encodes a whole GGUF file in memory. */
export function encodeGguf(spec: GgufSpec): Buffer {
  const parts: Buffer[] = [];
  const total = emitAll(spec, (b) => parts.push(b));
  return Buffer.concat(parts, total);
}

/** Writes a GGUF file, streaming tensor data; returns the file size in bytes. */
export function writeGguf(path: string, spec: GgufSpec): number {
  const fd = openSync(path, "w");
  try {
    return emitAll(spec, (b) => {
      writeSync(fd, b);
    });
  } finally {
    closeSync(fd);
  }
}
