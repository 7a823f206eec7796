import { EngineError } from './errors.ts';
import { loadLibraries } from './native/loadLibraries.ts';
import { llamaLogMark, llamaLogSince } from './native/logger.ts';

/** llama_ftype values of include/llama.h. */
const FTYPES = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, Q5_0: 8, Q4_K_S: 14, Q4_K_M: 15 } as const;
export type QuantType = keyof typeof FTYPES;

/**
 * Writes a quantized copy of a GGUF with llama.cpp's own llama_model_quantize, so that
 * the benchmark and the tests run the same kernels real quantized models do.
 * It runs on a koffi worker thread; the event loop stays free.
 */
export async function quantizeModel(input: string, output: string, type: QuantType, threads = 0): Promise<void> {
  const { api } = await loadLibraries();
  const params = api.llama_model_quantize_default_params() as Record<string, unknown>;
  params.ftype = FTYPES[type];
  params.nthread = threads;
  const mark = llamaLogMark();
  const rc = await new Promise<number>((resolve, reject) => {
    (api.llama_model_quantize as unknown as { async: (...a: unknown[]) => void }).async(input, output, params, (err: unknown, res: number) => (err ? reject(err) : resolve(res)));
  });
  if (rc !== 0) {
    const log = llamaLogSince(mark).slice(-3).join(' | ');
    throw new EngineError('load-failed', `llama_model_quantize could not write ${output} as ${type} from ${input}${log ? `: ${log}` : ''}.`);
  }
}
