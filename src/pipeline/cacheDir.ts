// The cache folder is decided once, in the engine, which keeps its GPU self-test verdicts
// there too (the engine may not import the pipeline).
export { lapeCacheDir } from '../engine/lapeCacheDir.ts';
