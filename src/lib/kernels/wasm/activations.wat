;; GELU, softmax and layer normalization (forward and backward) with
;; WebAssembly SIMD, four numbers at a time.
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

  ;; Softmax backward, row by row: gx = y·(g - Σ g·y), with y the softmax's
  ;; output. Rows as in softmax; gx may not overlap y or g.
  (func (export "softmaxBackward") (param $y i32) (param $g i32) (param $gx i32) (param $rows i32) (param $len i32)
    (local $row i32) (local $j i32) (local $vecLen i32) (local $acc v128) (local $dot f32) (local $dots v128)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $len))) (then (return)))
    (local.set $vecLen (i32.and (local.get $len) (i32.const -4)))
    (loop $eachRow
      ;; Σ g·y: four running sums, then the numbers left over
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $dotDone
        (loop $dotVectors
          (br_if $dotDone (i32.ge_u (local.get $j) (local.get $vecLen)))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
            (v128.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2))))
            (v128.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $dotVectors)))
      (local.set $dot (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $dotTailDone
        (loop $dotTail
          (br_if $dotTailDone (i32.ge_u (local.get $j) (local.get $len)))
          (local.set $dot (f32.add (local.get $dot) (f32.mul
            (f32.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2))))
            (f32.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $dotTail)))
      ;; gx = y·(g - dot)
      (local.set $dots (f32x4.splat (local.get $dot)))
      (local.set $j (i32.const 0))
      (block $gradDone
        (loop $gradVectors
          (br_if $gradDone (i32.ge_u (local.get $j) (local.get $vecLen)))
          (v128.store (i32.add (local.get $gx) (i32.shl (local.get $j) (i32.const 2)))
            (f32x4.mul (v128.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
              (f32x4.sub (v128.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2)))) (local.get $dots))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $gradVectors)))
      (block $gradTailDone
        (loop $gradTail
          (br_if $gradTailDone (i32.ge_u (local.get $j) (local.get $len)))
          (f32.store (i32.add (local.get $gx) (i32.shl (local.get $j) (i32.const 2)))
            (f32.mul (f32.load (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
              (f32.sub (f32.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2)))) (local.get $dot))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $gradTail)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $g (i32.add (local.get $g) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $gx (i32.add (local.get $gx) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $eachRow (i32.lt_u (local.get $row) (local.get $rows)))))
  ;; Layer normalization over rows of d numbers, row r at 4·r·d bytes from
  ;; each array's start: mean and variance of the row (biased, over d),
  ;; rstd = 1/√(var + eps), normalized = (x - mean)·rstd,
  ;; out = normalized·gamma + beta. Vectors of 4 along the row, then the
  ;; d mod 4 numbers left over one by one (`$j` counts bytes along the row).
  (func (export "layerNorm")
    (param $x i32) (param $gamma i32) (param $beta i32) (param $out i32) (param $normalized i32) (param $rstd i32)
    (param $rows i32) (param $d i32) (param $eps f32)
    (local $row i32) (local $j i32) (local $vecBytes i32) (local $rowBytes i32)
    (local $acc v128) (local $total f32) (local $mean f32) (local $s f32) (local $means v128) (local $ss v128)
    (local $xhat v128) (local $h f32)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $d))) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (loop $eachRow
      ;; the mean
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $sumDone (loop $sumVectors
        (br_if $sumDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $x) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sumVectors)))
      (local.set $total (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $sumTailDone (loop $sumTail
        (br_if $sumTailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $total (f32.add (local.get $total) (f32.load (i32.add (local.get $x) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumTail)))
      (local.set $mean (f32.div (local.get $total) (f32.convert_i32_u (local.get $d))))
      (local.set $means (f32x4.splat (local.get $mean)))
      ;; the variance, from the deviations (not E[x²] - mean², which cancels)
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $varDone (loop $varVectors
        (br_if $varDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
        (local.set $xhat (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $means)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $xhat) (local.get $xhat))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $varVectors)))
      (local.set $total (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $varTailDone (loop $varTail
        (br_if $varTailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $h (f32.sub (f32.load (i32.add (local.get $x) (local.get $j))) (local.get $mean)))
        (local.set $total (f32.add (local.get $total) (f32.mul (local.get $h) (local.get $h))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $varTail)))
      (local.set $s (f32.div (f32.const 1) (f32.sqrt (f32.add
        (f32.div (local.get $total) (f32.convert_i32_u (local.get $d))) (local.get $eps)))))
      (f32.store (local.get $rstd) (local.get $s))
      (local.set $ss (f32x4.splat (local.get $s)))
      ;; normalize, scale, shift
      (local.set $j (i32.const 0))
      (block $normDone (loop $normVectors
        (br_if $normDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
        (local.set $xhat (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $means)) (local.get $ss)))
        (v128.store (i32.add (local.get $normalized) (local.get $j)) (local.get $xhat))
        (v128.store (i32.add (local.get $out) (local.get $j)) (f32x4.add
          (f32x4.mul (local.get $xhat) (v128.load (i32.add (local.get $gamma) (local.get $j))))
          (v128.load (i32.add (local.get $beta) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $normVectors)))
      (block $normTailDone (loop $normTail
        (br_if $normTailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $h (f32.mul (f32.sub (f32.load (i32.add (local.get $x) (local.get $j))) (local.get $mean)) (local.get $s)))
        (f32.store (i32.add (local.get $normalized) (local.get $j)) (local.get $h))
        (f32.store (i32.add (local.get $out) (local.get $j)) (f32.add
          (f32.mul (local.get $h) (f32.load (i32.add (local.get $gamma) (local.get $j))))
          (f32.load (i32.add (local.get $beta) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $normTail)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
      (local.set $normalized (i32.add (local.get $normalized) (local.get $rowBytes)))
      (local.set $rstd (i32.add (local.get $rstd) (i32.const 4)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $eachRow (i32.lt_u (local.get $row) (local.get $rows)))))

  ;; Layer normalization backward, rows as in layerNorm, from the gradient g
  ;; of the output: gGamma += Σ_rows g·x̂ and gBeta += Σ_rows g (both [d],
  ;; added into); and, when $withGx, with ĝ = g·gamma,
  ;; gx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), means over the row.
  (func (export "layerNormBackward")
    (param $g i32) (param $gamma i32) (param $normalized i32) (param $rstd i32)
    (param $gx i32) (param $gGamma i32) (param $gBeta i32) (param $rows i32) (param $d i32) (param $withGx i32)
    (local $row i32) (local $j i32) (local $vecBytes i32) (local $rowBytes i32)
    (local $gv v128) (local $xv v128) (local $gh v128) (local $accG v128) (local $accGX v128)
    (local $meanG f32) (local $meanGX f32) (local $gs f32) (local $xs f32) (local $hs f32)
    (local $meanGs v128) (local $meanGXs v128) (local $ss v128)
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $d))) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (loop $eachRow
      (local.set $accG (v128.const f32x4 0 0 0 0))
      (local.set $accGX (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $sumDone (loop $sumVectors
        (br_if $sumDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $j))))
        (local.set $xv (v128.load (i32.add (local.get $normalized) (local.get $j))))
        (local.set $gh (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $gamma) (local.get $j)))))
        (local.set $accG (f32x4.add (local.get $accG) (local.get $gh)))
        (local.set $accGX (f32x4.add (local.get $accGX) (f32x4.mul (local.get $gh) (local.get $xv))))
        (v128.store (i32.add (local.get $gGamma) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $gGamma) (local.get $j))) (f32x4.mul (local.get $gv) (local.get $xv))))
        (v128.store (i32.add (local.get $gBeta) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $gBeta) (local.get $j))) (local.get $gv)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $sumVectors)))
      (local.set $meanG (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $accG)) (f32x4.extract_lane 1 (local.get $accG)))
        (f32.add (f32x4.extract_lane 2 (local.get $accG)) (f32x4.extract_lane 3 (local.get $accG)))))
      (local.set $meanGX (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $accGX)) (f32x4.extract_lane 1 (local.get $accGX)))
        (f32.add (f32x4.extract_lane 2 (local.get $accGX)) (f32x4.extract_lane 3 (local.get $accGX)))))
      (block $sumTailDone (loop $sumTail
        (br_if $sumTailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $j))))
        (local.set $xs (f32.load (i32.add (local.get $normalized) (local.get $j))))
        (local.set $hs (f32.mul (local.get $gs) (f32.load (i32.add (local.get $gamma) (local.get $j)))))
        (local.set $meanG (f32.add (local.get $meanG) (local.get $hs)))
        (local.set $meanGX (f32.add (local.get $meanGX) (f32.mul (local.get $hs) (local.get $xs))))
        (f32.store (i32.add (local.get $gGamma) (local.get $j))
          (f32.add (f32.load (i32.add (local.get $gGamma) (local.get $j))) (f32.mul (local.get $gs) (local.get $xs))))
        (f32.store (i32.add (local.get $gBeta) (local.get $j))
          (f32.add (f32.load (i32.add (local.get $gBeta) (local.get $j))) (local.get $gs)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumTail)))
      (if (local.get $withGx)
        (then
          (local.set $meanG (f32.div (local.get $meanG) (f32.convert_i32_u (local.get $d))))
          (local.set $meanGX (f32.div (local.get $meanGX) (f32.convert_i32_u (local.get $d))))
          (local.set $meanGs (f32x4.splat (local.get $meanG)))
          (local.set $meanGXs (f32x4.splat (local.get $meanGX)))
          (local.set $ss (v128.load32_splat (local.get $rstd)))
          (local.set $j (i32.const 0))
          (block $gradDone (loop $gradVectors
            (br_if $gradDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $gx) (local.get $j)) (f32x4.mul (local.get $ss)
              (f32x4.sub
                (f32x4.sub
                  (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $j))) (v128.load (i32.add (local.get $gamma) (local.get $j))))
                  (local.get $meanGs))
                (f32x4.mul (v128.load (i32.add (local.get $normalized) (local.get $j))) (local.get $meanGXs)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $gradVectors)))
          (block $gradTailDone (loop $gradTail
            (br_if $gradTailDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $gx) (local.get $j)) (f32.mul (f32.load (local.get $rstd))
              (f32.sub
                (f32.sub
                  (f32.mul (f32.load (i32.add (local.get $g) (local.get $j))) (f32.load (i32.add (local.get $gamma) (local.get $j))))
                  (local.get $meanG))
                (f32.mul (f32.load (i32.add (local.get $normalized) (local.get $j))) (local.get $meanGX)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $gradTail)))))
      (local.set $g (i32.add (local.get $g) (local.get $rowBytes)))
      (local.set $normalized (i32.add (local.get $normalized) (local.get $rowBytes)))
      (local.set $gx (i32.add (local.get $gx) (local.get $rowBytes)))
      (local.set $rstd (i32.add (local.get $rstd) (i32.const 4)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br_if $eachRow (i32.lt_u (local.get $row) (local.get $rows)))))
)
