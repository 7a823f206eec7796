// GGUF v3 value and tensor type codes, as in ggml/include/gguf.h and ggml.h of the bundled
// llama.cpp. llama.cpp checks metadata types strictly (a u32 key written as i32 fails to load),
// so every metadata value carries its GGUF type explicitly.

export const GgufValueType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufNumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type GgufBigIntType = 'uint64' | 'int64';
export type GgufScalarType = GgufNumberType | GgufBigIntType | 'bool' | 'string';

export type GgufValue =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigIntType; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: GgufNumberType; value: ArrayLike<number> }
  | { type: 'array'; itemType: GgufBigIntType; value: ArrayLike<bigint> }
  | { type: 'array'; itemType: 'bool'; value: ArrayLike<boolean> }
  | { type: 'array'; itemType: 'string'; value: ArrayLike<string> };

/** ggml tensor types this writer can store. */
export const GgmlTensorType = { f32: 0, f16: 1 } as const;
export type GgmlTensorTypeName = keyof typeof GgmlTensorType;

/** general.file_type values (llama_ftype) for the all-F32 and mostly-F16 cases. */
export const LlamaFileType = { f32: 0, f16: 1 } as const;

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
