import koffi, { type TypeObject } from 'koffi';
import type { LlamaApi } from './llamaApi.ts';

/**
 * llama.cpp's own dequantizers: `ggml_get_type_traits(type)->to_float` (ggml/include/ggml.h
 * of the llama.cpp bundled with node-llama-cpp 3.21.1), bound to the library that
 * loadLibraries() already opened (dlsym on libllama's handle finds the ggml-base symbols).
 * Every type llama.cpp can load (F16, BF16, Q8_0, Q5_0, the K-quants, IQ*) decodes with the
 * very code its kernels are checked against, instead of a hand-written copy per format.
 */
export interface TypeTraits {
  typeName: string;
  /** Values per block. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
  isQuantized: boolean;
  /** The to_float function pointer, or null where ggml has none (F32). */
  toFloat: unknown;
}

interface TraitsStruct {
  type_name: string;
  blck_size: number | bigint;
  blck_size_interleave: number | bigint;
  type_size: number | bigint;
  is_quantized: boolean;
  to_float: unknown;
  from_float_ref: unknown;
}

interface Bound {
  get: (type: number) => unknown;
  toFloatProto: TypeObject;
}

let bound: Bound | undefined;

function bind(api: LlamaApi): Bound {
  if (bound) return bound;
  koffi.struct('ggml_type_traits', {
    type_name: 'const char *',
    blck_size: 'int64_t',
    blck_size_interleave: 'int64_t',
    type_size: 'size_t',
    is_quantized: 'bool',
    to_float: 'void *',
    from_float_ref: 'void *',
  });
  const toFloatProto = koffi.proto('void ggml_to_float_t(const void *x, _Out_ float *y, int64_t k)');
  const get = api.lib.func('const ggml_type_traits *ggml_get_type_traits(int type)');
  bound = { get: (type: number) => get(type), toFloatProto };
  return bound;
}

/** The traits of ggml type `type` (enum ggml_type), as llama.cpp reports them. */
export function typeTraits(api: LlamaApi, type: number): TypeTraits {
  const ptr = bind(api).get(type);
  if (!ptr) throw new Error(`ggml knows no type ${type}.`);
  const t = koffi.decode(ptr, 'ggml_type_traits') as TraitsStruct;
  return { typeName: t.type_name, blockSize: Number(t.blck_size), typeSize: Number(t.type_size), isQuantized: t.is_quantized, toFloat: t.to_float };
}

/** Bytes that `n` values of a type take (ggml_row_size for one row of n). */
export function byteSize(traits: TypeTraits, n: number): number {
  if (traits.blockSize <= 0 || n % traits.blockSize !== 0) throw new Error(`${n} values are not whole blocks of ${traits.typeName} (${traits.blockSize} per block).`);
  return (n / traits.blockSize) * traits.typeSize;
}

/** `n` values of `traits`' type in `src`, decoded to float32 by ggml's own to_float. */
export function toFloat32(api: LlamaApi, traits: TypeTraits, src: Uint8Array, n: number): Float32Array {
  const need = byteSize(traits, n);
  if (src.byteLength < need) throw new Error(`${traits.typeName}: ${n} values need ${need} bytes, got ${src.byteLength}.`);
  const out = new Float32Array(n);
  if (traits.typeName === 'f32') {
    out.set(new Float32Array(src.buffer.slice(src.byteOffset, src.byteOffset + need)));
    return out;
  }
  if (!traits.toFloat) throw new Error(`ggml has no to_float for ${traits.typeName}.`);
  koffi.call(traits.toFloat, bind(api).toFloatProto, src, out, n);
  return out;
}
