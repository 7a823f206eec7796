;; The counting loop of detection, in WebAssembly SIMD (4 floats at a time).
;; For each token row and each neuron j: cnt[j] += (x > 0), sum[j] += act(x),
;; where act(x) = x * sigmoid(x * (c1 + c2 * x^2)):
;;   SiLU: c1 = 1, c2 = 0;  tanh-GELU: c1 = 2*sqrt(2/pi), c2 = c1 * 0.044715.
;; exp is a degree-6 Taylor polynomial of 2^f after range reduction (relative error
;; about 2e-5), which is far below what the means are used for; counts are exact.
;; Rebuild the embedded module with `npm run build:kernel` after editing this file.
(module
  (memory (export "memory") 1)

  (func $exp (param $x v128) (result v128)
    (local $y v128) (local $n v128) (local $f v128) (local $p v128)
    (local.set $y
      (f32x4.min (f32x4.max (f32x4.mul (local.get $x) (v128.const f32x4 1.4426950 1.4426950 1.4426950 1.4426950))
                            (v128.const f32x4 -126 -126 -126 -126))
                 (v128.const f32x4 126 126 126 126)))
    (local.set $n (f32x4.floor (local.get $y)))
    (local.set $f (f32x4.sub (local.get $y) (local.get $n)))
    ;; p = 2^f on [0, 1), Horner form
    (local.set $p (v128.const f32x4 1.5403530e-4 1.5403530e-4 1.5403530e-4 1.5403530e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 1.3333558e-3 1.3333558e-3 1.3333558e-3 1.3333558e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 9.6181291e-3 9.6181291e-3 9.6181291e-3 9.6181291e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 5.5504109e-2 5.5504109e-2 5.5504109e-2 5.5504109e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 2.4022651e-1 2.4022651e-1 2.4022651e-1 2.4022651e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 6.9314718e-1 6.9314718e-1 6.9314718e-1 6.9314718e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 1 1 1 1)))
    ;; times 2^n, built in the exponent bits
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; pre: byte offset of nTok rows of `stride` floats; neurons are the first nFf of each
  ;; row after `offset` floats. cnt (i32) and sum (f32) hold nFf values each. nFf % 4 == 0.
  (func (export "accumulate")
    (param $pre i32) (param $nTok i32) (param $stride i32) (param $offset i32) (param $nFf i32)
    (param $cnt i32) (param $sum i32) (param $c1 f32) (param $c2 f32)
    (local $t i32) (local $row i32) (local $j i32) (local $x v128) (local $a v128)
    (local $vc1 v128) (local $vc2 v128) (local $pc i32) (local $ps i32) (local $end i32)
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $end (i32.shl (local.get $nFf) (i32.const 2)))
    (if (i32.eqz (local.get $nTok)) (then (return)))
    (loop $rows
      (local.set $row (i32.add (local.get $pre)
        (i32.shl (i32.add (i32.mul (local.get $t) (local.get $stride)) (local.get $offset)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $x (v128.load (i32.add (local.get $row) (local.get $j))))
        (local.set $pc (i32.add (local.get $cnt) (local.get $j)))
        (v128.store (local.get $pc)
          (i32x4.sub (v128.load (local.get $pc)) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0))))
        (local.set $a (f32x4.mul (local.get $x)
          (f32x4.add (local.get $vc1) (f32x4.mul (local.get $vc2) (f32x4.mul (local.get $x) (local.get $x))))))
        (local.set $ps (i32.add (local.get $sum) (local.get $j)))
        (v128.store (local.get $ps)
          (f32x4.add (v128.load (local.get $ps))
            (f32x4.div (local.get $x)
              (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $a)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $end))))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $t) (local.get $nTok))))))
