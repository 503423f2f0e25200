;; GELU (forward and backward) and softmax with WebAssembly SIMD, four numbers at a time.
;;
;; The second source of src/lib/kernels/wasm/modules.ts, next to gemm.wat
;; (rebuild with `npm run build:wasm`); one variant, plain SIMD. The memory is
;; the one gemm.wat uses, imported: activations.ts copies the operands in and
;; the results out around each call. All pointers are byte offsets into it.
;;
;; What these loops cost in JavaScript is `Math.exp`, one call per number
;; (GELU's erfc and its derivative, softmax's exponentials): a quarter of a
;; training step of the benchmark ViT. Here `$exp` computes four at once from
;; a few multiply-adds.
(module
  (import "env" "memory" (memory 1))

  ;; e^x for four numbers, to about 1 unit in the last place of a float32,
  ;; for x ≤ 88 (every caller passes x ≤ 0): Cephes' expf. Write
  ;; x = n·ln 2 + r with n an integer and |r| ≤ ln2/2, then e^x = 2^n · e^r,
  ;; e^r from a polynomial of degree 7 and 2^n by writing n into a float's
  ;; exponent bits. Below -87, where 2^n would leave the normal floats, the
  ;; result is 0 (e^-87 ≈ 1.6e-38), so -Infinity gives 0, as softmax's masks
  ;; need. NaN gives NaN.
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    ;; n = round(x / ln 2), with x clamped so that 2^n stays a normal float
    (local.set $n (f32x4.nearest (f32x4.mul
      (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88.3 88.3 88.3 88.3)) (v128.const f32x4 -87 -87 -87 -87))
      (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    ;; r = x - n·ln 2, with ln 2 in two parts so the product n·0.693359375 is exact
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    ;; e^r ≈ 1 + r + r²·(c0 + c1·r + … + c5·r⁵), by Horner's rule
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; · 2^n: n + 127 is the biased exponent of 2^n
    (local.set $p (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    ;; 0 below -87 (the comparison is false for NaN, which stays NaN)
    (v128.andnot (local.get $p) (f32x4.lt (local.get $x) (v128.const f32x4 -87 -87 -87 -87))))

  ;; Φ(x) = erfc(-x/√2)/2 for four numbers, with the same Chebyshev fit of
  ;; erfc as the TypeScript kernel (Numerical Recipes §6.2): for z = -x/√2,
  ;; t = 1/(1 + |z|/2) and erfc(|z|) = t·e^(-z² - 1.26551223 + t·(1.00002368 + t·(…))),
  ;; erfc(z) = 2 - erfc(|z|) for z < 0. Computed from erfc, never 1 + erf, so
  ;; Φ stays accurate far out on the negative side, where it is tiny.
  (func $phi (param $x v128) (result v128)
    (local $z v128) (local $a v128) (local $t v128) (local $p v128) (local $r v128)
    (local.set $z (f32x4.mul (local.get $x) (v128.const f32x4 -0.70710678 -0.70710678 -0.70710678 -0.70710678)))
    (local.set $a (f32x4.abs (local.get $z)))
    (local.set $t (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $a) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
    (local.set $p (v128.const f32x4 0.17087277 0.17087277 0.17087277 0.17087277))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -0.82215223 -0.82215223 -0.82215223 -0.82215223)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 1.48851587 1.48851587 1.48851587 1.48851587)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -1.13520398 -1.13520398 -1.13520398 -1.13520398)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0.27886807 0.27886807 0.27886807 0.27886807)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -0.18628806 -0.18628806 -0.18628806 -0.18628806)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0.09678418 0.09678418 0.09678418 0.09678418)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0.37409196 0.37409196 0.37409196 0.37409196)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 1.00002368 1.00002368 1.00002368 1.00002368)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -1.26551223 -1.26551223 -1.26551223 -1.26551223)))
    ;; z² as x²/2 (the halving is exact): one rounding fewer than squaring z. At
    ;; large |x| the exponent -z² is only as precise as its float32 rounding, so
    ;; Φ there has a relative error of about z²·6e-8 (a few millionths at x = -10,
    ;; where Φ is 1e-23).
    (local.set $p (f32x4.sub (local.get $p)
      (f32x4.mul (f32x4.mul (local.get $x) (local.get $x)) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $r (f32x4.mul (local.get $t) (call $exp (local.get $p))))
    ;; z ≥ 0: erfc = r; z < 0: erfc = 2 - r. Then Φ = erfc / 2.
    (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
      (v128.bitselect (local.get $r) (f32x4.sub (v128.const f32x4 2 2 2 2) (local.get $r))
        (f32x4.ge (local.get $z) (v128.const f32x4 0 0 0 0)))))

  ;; GELU forward on n numbers at x: cdf = Φ(x), out = x·Φ(x). Works on
  ;; whole vectors: the caller leaves room for n rounded up to a multiple of 4
  ;; in each array (the numbers past n are computed and ignored).
  (func (export "gelu") (param $x i32) (param $out i32) (param $cdf i32) (param $n i32)
    (local $end i32) (local $v v128) (local $p v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $vectors
      (local.set $v (v128.load (local.get $x)))
      (local.set $p (call $phi (local.get $v)))
      (v128.store (local.get $cdf) (local.get $p))
      (v128.store (local.get $out) (f32x4.mul (local.get $v) (local.get $p)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $cdf (i32.add (local.get $cdf) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.get $x) (local.get $end)))))

  ;; GELU backward on n numbers: gx = g·(Φ(x) + x·φ(x)), with Φ(x) read from
  ;; the forward pass's cdf and φ(x) = e^(-x²/2)/√(2π). Whole vectors, as gelu.
  (func (export "geluBackward") (param $x i32) (param $cdf i32) (param $g i32) (param $gx i32) (param $n i32)
    (local $end i32) (local $v v128) (local $density v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $vectors
      (local.set $v (v128.load (local.get $x)))
      (local.set $density (f32x4.mul
        (call $exp (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5)))
        (v128.const f32x4 0.39894228 0.39894228 0.39894228 0.39894228)))
      (v128.store (local.get $gx) (f32x4.mul (v128.load (local.get $g))
        (f32x4.add (v128.load (local.get $cdf)) (f32x4.mul (local.get $v) (local.get $density)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $cdf (i32.add (local.get $cdf) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $gx (i32.add (local.get $gx) (i32.const 16)))
      (br_if $vectors (i32.lt_u (local.get $x) (local.get $end)))))

  ;; Softmax of each of `rows` rows of `len` numbers, row r at x + 4·r·len,
  ;; in place: subtract the row's maximum (e^x then cannot overflow), take
  ;; e^x, divide by the row's sum. Four numbers at a time and the last len mod 4
  ;; one by one, so rows need no padding. A row of only -Infinity has
  ;; maximum -Infinity and -Infinity - (-Infinity) = NaN: the row becomes NaN,
  ;; as in PyTorch (and in the TypeScript kernel).
  (func (export "softmax") (param $x i32) (param $rows i32) (param $len i32)
    (local $row i32) (local $at i32) (local $vecEnd i32) (local $end i32)
    (local $max v128) (local $sum v128) (local $e v128) (local $scalarMax f32) (local $total f32) (local $scale v128)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $len))) (then (return)))
    (local.set $row (i32.const 0))
    (loop $eachRow
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $vecEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
      ;; the maximum: four running maxima, then the numbers left over
      (local.set $max (v128.const f32x4 -inf -inf -inf -inf))
      (local.set $at (local.get $x))
      (block $maxDone
        (loop $maxVectors
          (br_if $maxDone (i32.ge_u (local.get $at) (local.get $vecEnd)))
          (local.set $max (f32x4.max (local.get $max) (v128.load (local.get $at))))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (br $maxVectors)))
      (local.set $scalarMax (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
        (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
      (block $maxTailDone
        (loop $maxTail
          (br_if $maxTailDone (i32.ge_u (local.get $at) (local.get $end)))
          (local.set $scalarMax (f32.max (local.get $scalarMax) (f32.load (local.get $at))))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (br $maxTail)))
      (local.set $max (f32x4.splat (local.get $scalarMax)))
      ;; e^(x - max) in place, and its sum
      (local.set $sum (v128.const f32x4 0 0 0 0))
      (local.set $at (local.get $x))
      (block $expDone
        (loop $expVectors
          (br_if $expDone (i32.ge_u (local.get $at) (local.get $vecEnd)))
          (local.set $e (call $exp (f32x4.sub (v128.load (local.get $at)) (local.get $max))))
          (v128.store (local.get $at) (local.get $e))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (br $expVectors)))
      (local.set $total (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
        (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
      (block $expTailDone
        (loop $expTail
          (br_if $expTailDone (i32.ge_u (local.get $at) (local.get $end)))
          (local.set $e (call $exp (f32x4.sub (v128.load32_splat (local.get $at)) (local.get $max))))
          (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $e)))
          (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 0 (local.get $e))))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (br $expTail)))
      ;; divide by the sum
      (local.set $scale (f32x4.splat (f32.div (f32.const 1) (local.get $total))))
      (local.set $at (local.get $x))
      (block $scaleDone
        (loop $scaleVectors
          (br_if $scaleDone (i32.ge_u (local.get $at) (local.get $vecEnd)))
          (v128.store (local.get $at) (f32x4.mul (v128.load (local.get $at)) (local.get $scale)))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (br $scaleVectors)))
      (block $scaleTailDone
        (loop $scaleTail
          (br_if $scaleTailDone (i32.ge_u (local.get $at) (local.get $end)))
          (f32.store (local.get $at) (f32.mul (f32.load (local.get $at)) (f32x4.extract_lane 0 (local.get $scale))))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (br $scaleTail)))
      (local.set $x (local.get $end))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $eachRow (i32.lt_u (local.get $row) (local.get $rows)))))
)
