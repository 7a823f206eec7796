;; One row's log-sum-exp pieces, in WebAssembly SIMD (4 floats at a time), for perplexity:
;; log softmax(x)[t] = x[t] - max - log(sumExp(max)). The row (262,144 floats on Gemma) is
;; copied into this memory at byte 0; n % 4 == 0 (the caller handles the tail).
;; Rebuild the embedded module with `npm run build:kernel` after editing this file.
(module
  (memory (export "memory") 1)

  ;; The largest of the n floats at byte offset 0; -inf when n == 0. pmax is one maxps:
  ;; a NaN may be skipped here, but it still turns sumExp into NaN, as it should.
  (func (export "rowMax") (param $n i32) (result f32)
    (local $p i32) (local $end i32) (local $m v128)
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (if (i32.gt_u (local.get $end) (i32.const 0)) (then
      (loop $l
        (local.set $m (f32x4.pmax (local.get $m) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $p) (local.get $end))))))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))

  ;; sum over the n floats of exp(x - max), in float64, so the sum of 262,144 terms keeps
  ;; exp's own relative error (< 2e-7) instead of float32's accumulated rounding.
  ;; exp(x - max) = 2^y, y = (x - max) log2(e) = k + f, k = round(y), f in [-0.5, 0.5], as in
  ;; countKernel.wat: adding 1.5 * 2^23 rounds and leaves k in the low mantissa bits, and 2^f
  ;; is the degree-6 Taylor series of exp(f ln 2). y is clamped below at -127, where
  ;; (k + 127) << 23 is the bit pattern of 0.0, so terms under 2^-126 count as exactly 0.
  (func (export "sumExp") (param $n i32) (param $max f32) (result f64)
    (local $p i32) (local $end i32) (local $vmax v128) (local $y v128) (local $r v128)
    (local $f v128) (local $e v128) (local $lo v128) (local $hi v128)
    (local.set $vmax (f32x4.splat (local.get $max)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (if (i32.gt_u (local.get $end) (i32.const 0)) (then
      (loop $l
        (local.set $y
          (f32x4.max
            (f32x4.mul (f32x4.sub (v128.load (local.get $p)) (local.get $vmax))
                       (v128.const f32x4 1.4426950 1.4426950 1.4426950 1.4426950))
            (v128.const f32x4 -127 -127 -127 -127)))
        (local.set $r (f32x4.add (local.get $y) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $f (f32x4.sub (local.get $y) (f32x4.sub (local.get $r) (v128.const f32x4 12582912 12582912 12582912 12582912))))
        (local.set $e (v128.const f32x4 1.5403530e-4 1.5403530e-4 1.5403530e-4 1.5403530e-4))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 1.3333558e-3 1.3333558e-3 1.3333558e-3 1.3333558e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 9.6181291e-3 9.6181291e-3 9.6181291e-3 9.6181291e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 5.5504109e-2 5.5504109e-2 5.5504109e-2 5.5504109e-2)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 2.4022651e-1 2.4022651e-1 2.4022651e-1 2.4022651e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 6.9314718e-1 6.9314718e-1 6.9314718e-1 6.9314718e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 1 1 1 1)))
        ;; times 2^k: bits(r) - bits(1.5 * 2^23) = k, and (k + 127) << 23 is 2^k
        (local.set $e (f32x4.mul (local.get $e)
          (i32x4.shl (i32x4.add (local.get $r) (v128.const i32x4 -1262485377 -1262485377 -1262485377 -1262485377)) (i32.const 23))))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $e))))
        (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $p) (local.get $end))))))
    (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
    (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo)))))
