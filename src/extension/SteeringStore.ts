import { Emitter, type Event } from 'vscode-jsonrpc';
import type { SteeringSpec } from '../protocol/steering.ts';

export type NeuronEdit = NonNullable<SteeringSpec['neurons']>[number];

/** A named steering configuration: plain data, sent as is with generate requests. */
export interface SteeringSet {
  name: string;
  spec: SteeringSpec;
  /**
   * Set by "Force output language": the language the set forces. Completions then ask for
   * `force` with the method chosen in settings (languageNeurons.steeringMethod) instead of
   * sending `spec`; `spec` is the neuron recipe, shown and used by the other commands.
   * Editing the set by hand drops it.
   */
  force?: string;
}

export interface SteeringState {
  version: 1;
  /** Off: requests go unsteered, the sets are kept. */
  enabled: boolean;
  active: string;
  sets: SteeringSet[];
}

/** The part of vscode.Memento this store uses, so tests can pass a Map-backed one. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'languageNeurons.steering';
const DEFAULT_SET = 'Default';

function initialState(): SteeringState {
  return { version: 1, enabled: false, active: DEFAULT_SET, sets: [{ name: DEFAULT_SET, spec: {} }] };
}

/**
 * The steering sets of this workspace (workspaceState). The tree adds languages and
 * neurons to the active set; the status bar switches sets and turns steering on and off;
 * generation reads `effectiveSpec()`. vscode-free.
 */
export class SteeringStore {
  private readonly memento: MementoLike;
  private readonly changed = new Emitter<SteeringState>();
  private value: SteeringState;

  readonly onDidChange: Event<SteeringState> = this.changed.event;

  constructor(memento: MementoLike) {
    this.memento = memento;
    const saved = memento.get<SteeringState>(KEY);
    this.value = saved?.version === 1 && saved.sets.length > 0 ? saved : initialState();
  }

  get state(): SteeringState {
    return structuredClone(this.value);
  }

  get activeSet(): SteeringSet {
    return structuredClone(this.findActive());
  }

  /** What a request should apply: nothing when steering is off or the active set is empty. */
  effectiveSpec(): SteeringSpec | undefined {
    if (!this.value.enabled) return undefined;
    const { spec } = this.findActive();
    const empty = !spec.activate?.length && !spec.deactivate?.length && !spec.subtract?.length && !spec.neurons?.length && !spec.diffMean;
    return empty ? undefined : structuredClone(spec);
  }

  /** The language the active set forces, when steering is on and the set is a "Force" set. */
  effectiveForce(): string | undefined {
    return this.value.enabled ? this.findActive().force : undefined;
  }

  setEnabled(enabled: boolean): Promise<void> {
    return this.change((s) => { s.enabled = enabled; });
  }

  /** Selects a set, creating an empty one of that name if there is none. */
  selectSet(name: string): Promise<void> {
    return this.change((s) => {
      if (!s.sets.some((set) => set.name === name)) s.sets.push({ name, spec: {} });
      s.active = name;
    });
  }

  /** Creates or replaces a set and makes it the active one ("Force output language: X"). */
  putSet(set: SteeringSet): Promise<void> {
    return this.change((s) => {
      s.sets = [...s.sets.filter((x) => x.name !== set.name), structuredClone(set)];
      s.active = set.name;
    });
  }

  deleteSet(name: string): Promise<void> {
    return this.change((s) => {
      s.sets = s.sets.filter((set) => set.name !== name);
      if (s.sets.length === 0) s.sets.push({ name: DEFAULT_SET, spec: {} });
      if (!s.sets.some((set) => set.name === s.active)) s.active = s.sets[0].name;
    });
  }

  /** Deactivates or activates (set to mean) whole languages; a language is never in both lists. */
  addLanguages(languages: readonly string[], action: 'deactivate' | 'activate'): Promise<void> {
    return this.changeActive((spec) => {
      const other = action === 'deactivate' ? 'activate' : 'deactivate';
      spec[action] = union(spec[action] ?? [], languages);
      const rest = (spec[other] ?? []).filter((l) => !languages.includes(l));
      if (rest.length > 0) spec[other] = rest;
      else delete spec[other];
      if (action === 'activate' && spec.mode === undefined) spec.mode = 'mean';
    });
  }

  /** Adds hand-picked neurons; a neuron already in the set takes the new edit. */
  addNeurons(edits: readonly NeuronEdit[]): Promise<void> {
    return this.changeActive((spec) => {
      const key = (n: { layer: number; index: number }): string => `${n.layer}:${n.index}`;
      const replaced = new Set(edits.map(key));
      spec.neurons = [...(spec.neurons ?? []).filter((n) => !replaced.has(key(n))), ...edits.map((e) => ({ ...e }))];
    });
  }

  clearActive(): Promise<void> {
    return this.changeActive((spec) => {
      for (const k of Object.keys(spec) as (keyof SteeringSpec)[]) delete spec[k];
    });
  }

  dispose(): void {
    this.changed.dispose();
  }

  private findActive(): SteeringSet {
    return this.value.sets.find((set) => set.name === this.value.active) ?? this.value.sets[0];
  }

  private changeActive(edit: (spec: SteeringSpec) => void): Promise<void> {
    return this.change((s) => {
      const set = s.sets.find((x) => x.name === s.active) ?? s.sets[0];
      edit(set.spec);
      delete set.force; // no longer the recipe alone

    });
  }

  private async change(edit: (state: SteeringState) => void): Promise<void> {
    const next = structuredClone(this.value);
    edit(next);
    this.value = next;
    this.changed.fire(this.state);
    await this.memento.update(KEY, next);
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
