/** What every model source gets: where to report bytes, and when to stop. */
export interface ModelSourceOptions {
  signal?: AbortSignal;
  /** Bytes received so far of about `total`, with a short note on the source. */
  onBytes?: (done: number, total: number, note: string) => void;
  /** The hub's address instead of Hugging Face (tests play the hub on 127.0.0.1). */
  hubEndpoint?: string;
  /** Seconds without data after which the hub is given up on (default 30). */
  stallSeconds?: number;
  /** The Python that runs pip (default `$LAPE_PYTHON`, else python3). */
  python?: string;
  /** Extra pip arguments (default `$LAPE_PIP_ARGS`, split on spaces), e.g. `--no-index --find-links DIR`. */
  pipArgs?: readonly string[];
}
