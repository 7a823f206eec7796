;; The counting loop of detection, in WebAssembly SIMD (4 floats at a time).
;; For each token row and each neuron j: cnt[j] += (x > 0), sum[j] += act(x),
;; where act(x) = x * sigmoid(x * (c1 + c2 * x^2)):
;;   SiLU: c1 = 1, c2 = 0;  tanh-GELU: c1 = 2*sqrt(2/pi), c2 = c1 * 0.044715.
;; Counts are exact; sums carry exp's relative error of about 2e-7 (see below).
;; Rebuild the embedded module with `npm run build:kernel` after editing this file.
(module
  (memory (export "memory") 1)

  ;; pre: byte offset of nTok rows of `stride` floats; neurons are the first nFf of each
  ;; row after `offset` floats. cnt (i32) and sum (f32) hold nFf values each. nFf % 4 == 0.
  ;; Column-major walk: 4 neurons at a time down all token rows, with their counts and sums
  ;; in locals, so the inner loop loads one vector and stores nothing.
  ;; exp(-a) = 2^y, y = -a log2(e) = n + f with n = round(y), f in [-0.5, 0.5]: adding
  ;; 1.5 * 2^23 rounds and leaves n in the low mantissa bits, so neither floor nor a
  ;; float-to-int conversion is needed (both are slow sequences on x64 without AVX-512).
  ;; 2^f is the Taylor series of exp(f ln 2) to degree 6 (relative error < 2e-7).
  ;; exp is written out in the loop: V8 does not inline calls between wasm functions.
  (func (export "accumulate")
    (param $pre i32) (param $nTok i32) (param $stride i32) (param $offset i32) (param $nFf i32)
    (param $cnt i32) (param $sum i32) (param $c1 f32) (param $c2 f32)
    (local $t i32) (local $j i32) (local $p i32) (local $rowBytes i32) (local $end i32) (local $at i32)
    (local $x v128) (local $y v128) (local $r v128) (local $f v128) (local $e v128)
    (local $n v128) (local $s v128) (local $vc1 v128) (local $vc2 v128)
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $end (i32.shl (local.get $nFf) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (if (i32.eqz (local.get $nTok)) (then (return)))
    (loop $cols
      (local.set $n (v128.const i32x4 0 0 0 0))
      (local.set $s (v128.const f32x4 0 0 0 0))
      (local.set $p (i32.add (i32.add (local.get $pre) (i32.shl (local.get $offset) (i32.const 2))) (local.get $j)))
      (local.set $t (i32.const 0))
      (loop $rows
        (local.set $x (v128.load (local.get $p)))
        (local.set $n (i32x4.sub (local.get $n) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0))))
        ;; y = -x (c1 + c2 x^2) log2(e), clamped to the normal exponent range
        (local.set $y
          (f32x4.min
            (f32x4.max
              (f32x4.mul (f32x4.mul (local.get $x) (f32x4.add (local.get $vc1) (f32x4.mul (local.get $vc2) (f32x4.mul (local.get $x) (local.get $x)))))
                         (v128.const f32x4 -1.4426950 -1.4426950 -1.4426950 -1.4426950))
              (v128.const f32x4 -126 -126 -126 -126))
            (v128.const f32x4 126 126 126 126)))
        (local.set $r (f32x4.add (local.get $y) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $f (f32x4.sub (local.get $y) (f32x4.sub (local.get $r) (v128.const f32x4 12582912 12582912 12582912 12582912))))
        (local.set $e (v128.const f32x4 1.5403530e-4 1.5403530e-4 1.5403530e-4 1.5403530e-4))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 1.3333558e-3 1.3333558e-3 1.3333558e-3 1.3333558e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 9.6181291e-3 9.6181291e-3 9.6181291e-3 9.6181291e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 5.5504109e-2 5.5504109e-2 5.5504109e-2 5.5504109e-2)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 2.4022651e-1 2.4022651e-1 2.4022651e-1 2.4022651e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 6.9314718e-1 6.9314718e-1 6.9314718e-1 6.9314718e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $f)) (v128.const f32x4 1 1 1 1)))
        ;; times 2^n: bits(r) - bits(1.5 * 2^23) = n, and (n + 127) << 23 is 2^n
        (local.set $e (f32x4.mul (local.get $e)
          (i32x4.shl (i32x4.add (local.get $r) (v128.const i32x4 -1262485377 -1262485377 -1262485377 -1262485377)) (i32.const 23))))
        ;; act = x sigmoid(x (c1 + c2 x^2)) = x / (1 + e)
        (local.set $s (f32x4.add (local.get $s) (f32x4.div (local.get $x) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $t) (local.get $nTok))))
      (local.set $at (i32.add (local.get $cnt) (local.get $j)))
      (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at)) (local.get $n)))
      (local.set $at (i32.add (local.get $sum) (local.get $j)))
      (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (local.get $s)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $end))))))
