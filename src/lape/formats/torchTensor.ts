/** Element types of torch storages this project reads and writes. */
export type TorchDtype = 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool' | 'float64' | 'float32' | 'float16' | 'bfloat16';

/**
 * A tensor read from or written to a torch.save archive: row-major values as doubles, which
 * hold every int32 and float32 exactly and int64 up to 2^53 (readers refuse larger ones).
 */
export interface TorchTensor {
  readonly kind: 'tensor';
  dtype: TorchDtype;
  shape: number[];
  values: Float64Array;
}

export function torchTensor(dtype: TorchDtype, shape: number[], values: Float64Array | ArrayLike<number>): TorchTensor {
  return { kind: 'tensor', dtype, shape, values: values instanceof Float64Array ? values : Float64Array.from(values) };
}

export function isTorchTensor(v: unknown): v is TorchTensor {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'tensor';
}

/** torch's legacy storage class name and item size of each dtype. */
export const STORAGE_TYPES: Readonly<Record<TorchDtype, { name: string; size: number }>> = {
  int64: { name: 'LongStorage', size: 8 },
  int32: { name: 'IntStorage', size: 4 },
  int16: { name: 'ShortStorage', size: 2 },
  int8: { name: 'CharStorage', size: 1 },
  uint8: { name: 'ByteStorage', size: 1 },
  bool: { name: 'BoolStorage', size: 1 },
  float64: { name: 'DoubleStorage', size: 8 },
  float32: { name: 'FloatStorage', size: 4 },
  float16: { name: 'HalfStorage', size: 2 },
  bfloat16: { name: 'BFloat16Storage', size: 2 },
};
