import koffi from 'koffi';
import type { FfnAdapter } from '../architectures.ts';
import { EngineError } from '../errors.ts';
import type { LlamaApi } from '../native/llamaApi.ts';
import type { ActivationRecorder } from './ActivationRecorder.ts';
import { accumulateJs } from './countKernel.ts';
import { EarlyStop } from './EarlyStop.ts';
import { WasmCountKernel } from './kernel/WasmCountKernel.ts';
import { compileEdits, type CompiledEdit, type NeuronEdit } from './neuronEdit.ts';
import { planColumns, type ColumnPlan } from './editColumns.ts';
import type { ResidualRecorder } from './ResidualRecorder.ts';
import { compileResidualEdits, type ResidualEdit } from './residualEdit.ts';

export interface Hooks {
  /** Observe: count act > 0 and sum act per neuron, for every layer. */
  recorder?: ActivationRecorder;
  edits?: readonly NeuronEdit[];
  /** Observe: sum the residual stream after each block (`l_out-<il>`). */
  residualRecorder?: ResidualRecorder;
  /** Add vectors to the residual stream after chosen blocks, as llama.cpp's control vectors do. */
  residualEdits?: readonly ResidualEdit[];
}

/** llama.cpp's name of a block's output, after the control vector is added (build_cvec, then cb(cur, "l_out", il)). */
const RESIDUAL = 'l_out';

const NAME_OFFSET = 256; // offsetof(struct ggml_tensor, name), checked in the constructor
const NE_OFFSET = 16;
const NB_OFFSET = 48;

type Role = 'pre' | 'up' | 'out' | 'pre+up' | 'residual';

/**
 * The eval callback of one context. llama.cpp's scheduler asks it, node by node,
 * whether it wants a tensor (`ask`), then hands over each wanted tensor once computed;
 * values written back with ggml_backend_tensor_set are what the rest of the graph uses.
 * With no hooks set it wants nothing, so the graph runs as one piece.
 */
export class HookDispatcher {
  private recorder?: ActivationRecorder;
  private edits = new Map<number, CompiledEdit[]>();
  private plans = new Map<number, ColumnPlan>();
  private residualRecorder?: ResidualRecorder;
  private residualEdits = new Map<number, Float32Array>();
  private upNeeded = new Set<number>();
  private upValues = new Map<number, Float32Array>();
  private buf = new Float32Array(0);
  private readonly kernel = new WasmCountKernel();
  /**
   * 'wasm' unless the shape needs the JS fallback. The benchmark also sets 'js', and 'none'
   * (tensors handed over and copied, nothing counted) to separate the graph split's cost
   * from the counting's.
   */
  kernelKind: 'wasm' | 'js' | 'none' = 'wasm';
  /**
   * 'columns': edits move only the edited columns between backend and host. 'tensor' moves the
   * whole FFN tensor both ways, as before; kept for the benchmark and for the test that both agree.
   */
  editTransfer: 'columns' | 'tensor' = 'columns';
  /** Bytes that edits moved between backend and host since the last reset; for tests and the benchmark. */
  editBytes = 0;
  /** Milliseconds spent handling wanted tensors (copy, count, edit) since the last reset; for the benchmark. */
  handledMs = 0;
  private shouldAbort: () => boolean = () => false;
  private stopAllowed = false;
  /** The "done, skip the rest of the graph" state of observe-only passes; see EarlyStop. */
  readonly earlyStop: EarlyStop;
  aborted = false;
  error: unknown;

  constructor(
    private readonly api: LlamaApi,
    private readonly ffn: FfnAdapter,
    private readonly nLayer: number,
    private readonly nFf: number,
    private readonly nEmbd: number,
  ) {
    if (koffi.offsetof('ggml_tensor_head', 'name') !== NAME_OFFSET || koffi.offsetof('ggml_tensor_head', 'ne') !== NE_OFFSET || koffi.offsetof('ggml_tensor_head', 'nb') !== NB_OFFSET) {
      throw new EngineError('layout-mismatch', 'Unexpected ggml_tensor layout in this llama.cpp build.');
    }
    this.earlyStop = new EarlyStop(nLayer);
  }

  get active(): boolean {
    return this.recorder !== undefined || this.edits.size > 0 || this.residualRecorder !== undefined || this.residualEdits.size > 0;
  }

  /**
   * Hooks for the next passes. `logitsUnread`: nobody reads these passes' logits, so an
   * observe-only pass may stop after the last layer's pre-activation (never with edits).
   */
  set(hooks: Hooks | undefined, shouldAbort?: () => boolean, logitsUnread = false): void {
    if (hooks?.recorder && (hooks.recorder.nLayer !== this.nLayer || hooks.recorder.nFf !== this.nFf)) {
      throw new EngineError('bad-argument', `Recorder shape ${hooks.recorder.nLayer} x ${hooks.recorder.nFf} does not match the model (${this.nLayer} x ${this.nFf}).`);
    }
    const rr = hooks?.residualRecorder;
    if (rr && (rr.nLayer !== this.nLayer || rr.nEmbd !== this.nEmbd)) {
      throw new EngineError('bad-argument', `Residual recorder shape ${rr.nLayer} x ${rr.nEmbd} does not match the model (${this.nLayer} x ${this.nEmbd}).`);
    }
    this.residualEdits = compileResidualEdits(hooks?.residualEdits ?? [], this.nLayer, this.nEmbd);
    this.residualRecorder = rr;
    this.recorder = hooks?.recorder;
    this.edits = compileEdits(hooks?.edits ?? [], this.nLayer, this.nFf);
    this.plans = new Map([...this.edits].map(([layer, list]) => [layer, planColumns(list)]));
    this.upNeeded = new Set();
    if (this.ffn.up !== null) {
      for (const [layer, list] of this.edits) if (list.some((e) => e.mode === 'set' || e.mode === 'add')) this.upNeeded.add(layer);
    }
    this.shouldAbort = shouldAbort ?? (() => false);
    // The residual stream of the last block comes after the last FFN: a pass that reads or
    // edits it must run to the end.
    this.stopAllowed = logitsUnread && this.recorder !== undefined && this.edits.size === 0 && this.residualRecorder === undefined && this.residualEdits.size === 0;
    this.earlyStop.begin(false);
    this.aborted = false;
    this.error = undefined;
  }

  /** Before each llama_decode of a pass. */
  beginDecode(): void {
    this.earlyStop.begin(this.stopAllowed);
  }

  /**
   * The C callback body: `bool cb_eval(struct ggml_tensor *t, bool ask, void *user_data)`.
   * In the ask phase `false` means "not wanted"; in the non-ask phase it makes the scheduler
   * leave the current split.
   */
  readonly callback = (tensor: unknown, ask: boolean): boolean => {
    // After an early stop, an abort or an error (each of which returned false in a non-ask
    // call, so the scheduler left that split), the only calls still to come are the ask calls
    // of later splits: false means "not wanted", so they run in one piece and nothing more is
    // handled. (This line used to read `return !ask ? false : false`.)
    if (this.earlyStop.afterStop() || this.aborted || this.error !== undefined) return false;
    try {
      const name = koffi.decode(tensor, NAME_OFFSET, 'char', -1) as string;
      const role = this.roleOf(name);
      if (ask) return role !== undefined;
      if (role === undefined) return true;
      const layer = Number(name.slice(name.lastIndexOf('-') + 1));
      const t0 = performance.now();
      this.handle(tensor, role.role, layer);
      this.handledMs += performance.now() - t0;
      if (this.shouldAbort()) {
        this.aborted = true;
        return false;
      }
      if ((role.role === 'pre' || role.role === 'pre+up') && this.earlyStop.handledPre(layer)) return false;
      return true;
    } catch (err) {
      this.error = err;
      return false;
    }
  };

  private roleOf(name: string): { role: Role } | undefined {
    const dash = name.lastIndexOf('-');
    if (dash < 0) return undefined;
    const base = name.slice(0, dash);
    if (base === RESIDUAL) {
      const wanted = this.residualRecorder !== undefined || this.residualEdits.has(Number(name.slice(dash + 1)));
      return wanted ? { role: 'residual' } : undefined;
    }
    const ffn = this.ffn;
    if (base === ffn.pre) {
      if (ffn.family === 'fused-gate-up') {
        const layer = Number(name.slice(dash + 1));
        if (this.recorder || this.upNeeded.has(layer)) return { role: 'pre+up' };
        return undefined;
      }
      return this.recorder ? { role: 'pre' } : undefined;
    }
    if (base === ffn.up && this.upNeeded.size > 0) {
      return this.upNeeded.has(Number(name.slice(dash + 1))) ? { role: 'up' } : undefined;
    }
    if (base === ffn.out && this.edits.size > 0) {
      return this.edits.has(Number(name.slice(dash + 1))) ? { role: 'out' } : undefined;
    }
    return undefined;
  }

  /** ne[0], ne[1] and the row stride of an F32 FFN tensor. */
  private shape(tensor: unknown): { rowLen: number; nRows: number; rowBytes: number } {
    const type = koffi.decode(tensor, 0, 'int32_t') as number;
    if (type !== 0) throw new EngineError('decode-failed', `FFN tensor is of ggml type ${type}, expected F32.`);
    const ne = koffi.decode(tensor, NE_OFFSET, 'int64_t', 2) as BigInt64Array;
    const nb = koffi.decode(tensor, NB_OFFSET, 'uint64_t', 2) as BigUint64Array;
    const rowLen = Number(ne[0]);
    if (nb[0] !== 4n || nb[1] !== BigInt(rowLen * 4)) throw new EngineError('decode-failed', 'FFN tensor is not contiguous; this llama.cpp build lays out its graph differently from the one the engine was written for.');
    return { rowLen, nRows: Number(ne[1]), rowBytes: rowLen * 4 };
  }

  private read(tensor: unknown, intoKernel = false): { data: Float32Array; rowLen: number; nRows: number } {
    const { rowLen, nRows } = this.shape(tensor);
    const n = rowLen * nRows;
    let data: Float32Array;
    if (intoKernel) data = this.kernel.preBuffer(n, this.nFf);
    else {
      if (this.buf.length < n) this.buf = new Float32Array(n);
      data = this.buf.subarray(0, n);
    }
    this.api.ggml_backend_tensor_get(tensor, data, 0, n * 4);
    return { data, rowLen, nRows };
  }

  /** Moves the plan's columns (shifted by `colOffset`) of every row between the tensor and `packed`. */
  private columns(dir: 'get' | 'set', tensor: unknown, packed: Float32Array, plan: ColumnPlan, colOffset: number): void {
    const { nRows, rowBytes } = this.shape(tensor);
    const move = dir === 'get' ? this.api.ggml_backend_tensor_get_2d : this.api.ggml_backend_tensor_set_2d;
    for (const run of plan.runs) {
      move(tensor, packed.subarray(run.at), (colOffset + run.start) * 4, run.width * 4, nRows, rowBytes, plan.width * 4);
      this.editBytes += run.width * 4 * nRows;
    }
  }

  private handle(tensor: unknown, role: Role, layer: number): void {
    const nFf = this.nFf;
    if (role === 'residual') {
      const { data, rowLen, nRows } = this.read(tensor);
      if (rowLen !== this.nEmbd) throw new EngineError('decode-failed', `${RESIDUAL}-${layer} has rows of ${rowLen} values, expected n_embd ${this.nEmbd}.`);
      // Observed before the edit: the recorder sees the model's own residual stream.
      this.residualRecorder?.accumulate(layer, data, nRows);
      const v = this.residualEdits.get(layer);
      if (v) {
        for (let t = 0; t < nRows; t++) for (let i = 0, row = t * rowLen; i < rowLen; i++) data[row + i] += v[i];
        this.api.ggml_backend_tensor_set(tensor, data, 0, rowLen * nRows * 4);
      }
      return;
    }
    if (role === 'out') {
      const plan = this.plans.get(layer)!;
      if (this.editTransfer === 'tensor') {
        const { data, rowLen, nRows } = this.read(tensor);
        this.applyEdits(data, rowLen, nRows, layer, this.edits.get(layer)!.map((e) => e.neurons));
        this.api.ggml_backend_tensor_set(tensor, data, 0, rowLen * nRows * 4);
        this.editBytes += 2 * rowLen * nRows * 4;
        return;
      }
      const { nRows } = this.shape(tensor);
      const packed = this.packedBuffer(nRows * plan.width);
      this.columns('get', tensor, packed, plan, 0);
      this.applyEdits(packed, plan.width, nRows, layer, plan.cols);
      this.columns('set', tensor, packed, plan, 0);
      return;
    }
    const r = this.recorder;
    const observe = (role === 'pre' || role === 'pre+up') && r !== undefined;
    if (observe) {
      const useKernel = this.kernelKind === 'wasm' && WasmCountKernel.supports(nFf, this.ffn.family === 'fused-gate-up' ? 2 * nFf : nFf, 0);
      const { data, rowLen, nRows } = this.read(tensor, useKernel);
      if (this.kernelKind !== 'none') {
        if (useKernel) this.kernel.accumulate(nRows, rowLen, 0, r.overZero, r.sumAct, layer * nFf, this.ffn.activation);
        else accumulateJs(data, nRows, rowLen, 0, nFf, r.overZero, r.sumAct, layer * nFf, this.ffn.activation);
        r.tokensPerLayer[layer] += nRows;
      }
    }
    if ((role === 'up' || role === 'pre+up') && this.upNeeded.has(layer)) {
      // Keep only the up values of edited neurons, packed as plan.cols says, for applyEdits.
      const plan = this.plans.get(layer)!;
      const kept = new Float32Array(this.shape(tensor).nRows * plan.width);
      this.columns('get', tensor, kept, plan, this.ffn.family === 'fused-gate-up' ? nFf : 0);
      this.upValues.set(layer, kept);
    }
  }

  private packedBuffer(n: number): Float32Array {
    if (this.buf.length < n) this.buf = new Float32Array(n);
    return this.buf.subarray(0, n);
  }

  /**
   * Applies the layer's edits to rows of `width` values, where edit k's neuron i is column
   * cols[k][i]: the whole tensor (cols are the neurons) or the packed edited columns.
   */
  private applyEdits(out: Float32Array, width: number, nRows: number, layer: number, cols: readonly Int32Array[]): void {
    const edits = this.edits.get(layer)!;
    const plan = this.plans.get(layer)!;
    const up = this.upValues.get(layer);
    for (let t = 0; t < nRows; t++) {
      const row = t * width;
      const upRow = t * plan.width;
      edits.forEach(({ values, mode }, k) => {
        const c = cols[k];
        const upCols = plan.cols[k];
        for (let i = 0; i < c.length; i++) {
          const at = row + c[i];
          // Without a gate, out is act itself: the "up" factor is 1.
          const u = up ? up[upRow + upCols[i]] : 1;
          switch (mode) {
            case 'zero': out[at] = 0; break;
            case 'scale': out[at] *= values[i]; break;
            case 'set': out[at] = values[i] * u; break;
            case 'add': out[at] += values[i] * u; break;
          }
        }
      });
    }
    this.upValues.delete(layer);
  }
}
