import { readGgufTensorBytes } from '../gguf/readGgufTensor.ts';
import { loadLibraries } from './native/loadLibraries.ts';
import { byteSize, toFloat32, typeTraits } from './native/typeTraits.ts';

/**
 * One tensor of a GGUF file as float32 (rows of shape[0] values), whatever its type: F32,
 * F16, BF16, Q8_0, Q5_0, the K-quants… decoded by llama.cpp's own
 * `ggml_get_type_traits(type)->to_float`, so the values are exactly those llama.cpp's
 * kernels dequantize to.
 */
export async function readTensorFloat32(path: string, name: string): Promise<{ data: Float32Array; shape: number[]; typeName: string }> {
  const { api } = await loadLibraries();
  const traitsOf = (type: number) => {
    try {
      return typeTraits(api, type);
    } catch {
      return undefined;
    }
  };
  const { bytes, shape, type } = await readGgufTensorBytes(path, name, (ty, n) => {
    const t = traitsOf(ty);
    return t && (t.toFloat || t.typeName === 'f32') && n % t.blockSize === 0 ? byteSize(t, n) : undefined;
  }, 'llama.cpp has no dequantizer for it; use the F16 (or F32) GGUF of the same model.');
  const traits = typeTraits(api, type);
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: toFloat32(api, traits, bytes, n), shape, typeName: traits.typeName };
}
