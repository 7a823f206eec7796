/**
 * Selection helpers that reproduce the torch and Python calls of identify.py without sorting
 * millions of values.
 */

type Floats = Float32Array | Float64Array;

/**
 * torch `kthvalue(k)`: the k-th smallest value, k 1-based. Works on a copy (the caller's
 * array keeps its order). Values must not be NaN. Expected O(n): quickselect with a
 * median-of-three pivot and Hoare partitioning, which stays fast on the many equal values
 * that count data has (all the zero probabilities of silent neurons).
 */
export function kthSmallest(values: Floats, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > values.length) {
    throw new RangeError(`k = ${k} is outside 1..${values.length}`);
  }
  if (values instanceof Float32Array) {
    const v = radixSelectFloat32(values, k);
    if (v !== undefined) return v;
  }
  const a = values.slice();
  return selectInPlace(a, k - 1);
}

/**
 * For float32 values that are all >= +0 (probabilities), the unsigned bit patterns sort like
 * the values, so two 16-bit histogram passes find the k-th smallest without a copy: about
 * ten times faster than quickselect on 16 M values. Undefined when a sign bit or NaN is seen.
 */
function radixSelectFloat32(values: Float32Array, k: number): number | undefined {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const high = new Uint32Array(65536);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (b >= 0x7f800001) return undefined; // sign bit set (negative, -0) or NaN
    high[b >>> 16]++;
  }
  let rank = k;
  let h = 0;
  while (rank > high[h]) rank -= high[h++];
  const low = new Uint32Array(65536);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (b >>> 16 === h) low[b & 0xffff]++;
  }
  let l = 0;
  while (rank > low[l]) rank -= low[l++];
  return new Float32Array(new Uint32Array([((h << 16) | l) >>> 0]).buffer)[0];
}

/** Rearranges `a` so that a[i] is the value a sorted array would have there, and returns it. */
export function selectInPlace(a: Floats, i: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      insertionSort(a, lo, hi);
      break;
    }
    const mid = (lo + hi) >>> 1;
    // Median of three, left in a[mid]; a[lo] <= pivot <= a[hi] then bound the scans.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let l = lo;
    let r = hi;
    // Hoare partition: equal keys are split between both sides, so runs of duplicates
    // still halve the range.
    while (l <= r) {
      while (a[l] < pivot) l++;
      while (a[r] > pivot) r--;
      if (l <= r) {
        swap(a, l, r);
        l++;
        r--;
      }
    }
    if (i <= r) hi = r;
    else if (i >= l) lo = l;
    else break; // r < i < l: a[i] equals the pivot and sits in its final place
  }
  return a[i];
}

function swap(a: Floats, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function insertionSort(a: Floats, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Python 3 `round(x)` for the non-negative products identify.py rounds: ties go to the even
 * integer (round(2.5) == 2), unlike Math.round.
 */
export function pythonRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
