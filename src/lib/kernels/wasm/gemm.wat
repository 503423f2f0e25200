;; Matrix product with WebAssembly SIMD: C[n, m] += A[n, k] @ B[k, m].
;;
;; The source of src/lib/kernels/wasm/modules.ts (rebuild with `npm run build:wasm`).
;; It is assembled twice: as written (plain SIMD: a multiply, then an add), and
;; with every `(f32x4.add (local.get $c) (f32x4.mul (local.get $a) (local.get $b)))`
;; of the micro-kernel turned into relaxed SIMD's fused
;; `(f32x4.relaxed_madd (local.get $a) (local.get $b) (local.get $c))`, for the
;; engines that have it.
;;
;; The memory is imported: the caller sizes it once and it never grows (a grown
;; memory detaches its old ArrayBuffer, and one detach makes every typed-array
;; access in V8 slower). All pointers are byte offsets into it. Bytes 0..127
;; are a scratch tile for the edges.
;;
;; Why packing: the micro-kernel reads, for each p, 4 numbers of A (one row of
;; an A panel) and 8 of B (one row of a B panel), right after the ones of the
;; previous p: every load walks memory in order, and a panel is reused many
;; times while it sits in the cache. Why a 4×8 tile: its 32 sums live in 8
;; v128 registers, plus 2 for B and 1 for a broadcast number of A: 11 of
;; x86-64's 16 vector registers (a 6×8 tile would need 15 of them).
;; Each step of p does 2 + 4 loads for 32 multiply-adds.
(module
  (import "env" "memory" (memory 1))

  ;; How many steps of p one pass of the micro-kernel covers: a B panel of
  ;; 256 × 8 numbers (8 KB) stays in the L1 cache while A panels stream past it.
  (global $KC i32 (i32.const 256))
  ;; Rows of A per block: 64 × 256 numbers (64 KB) stay in the L2 cache while
  ;; every B panel meets them.
  (global $MC i32 (i32.const 64))

  ;; Packs `count` lines of `len` numbers, line q at src + 4·q·stride (stride
  ;; ≥ len: the lines may be rows of a wider matrix, such as one head's columns
  ;; of the queries), into panels of `width` lines: panel q0/width holds lines
  ;; q0..q0+width-1 as a [len, width] block (zeros past `count`), at dst + 4·q0·len.
  ;; A [n, k] row-major packs this way (lines are rows, width 4), and so does
  ;; B stored transposed, Bᵀ [m, k] (lines are columns of B, width 8).
  (func $packLines (export "packLines")
    (param $src i32) (param $dst i32) (param $count i32) (param $len i32) (param $width i32) (param $stride i32)
    (local $q0 i32) (local $c i32) (local $from i32) (local $to i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $width) (i32.const 2)))
    (loop $panels
      (local.set $c (i32.const 0))
      (loop $lines
        (local.set $to (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $q0) (local.get $len)) (local.get $c)) (i32.const 2))))
        (local.set $end (i32.add (local.get $to) (i32.mul (local.get $len) (local.get $step))))
        (if (i32.lt_u (i32.add (local.get $q0) (local.get $c)) (local.get $count))
          (then
            (local.set $from (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (local.get $q0) (local.get $c)) (local.get $stride)) (i32.const 2))))
            (loop $copy
              (f32.store (local.get $to) (f32.load (local.get $from)))
              (local.set $from (i32.add (local.get $from) (i32.const 4)))
              (local.set $to (i32.add (local.get $to) (local.get $step)))
              (br_if $copy (i32.lt_u (local.get $to) (local.get $end)))))
          (else
            (loop $zero
              (f32.store (local.get $to) (f32.const 0))
              (local.set $to (i32.add (local.get $to) (local.get $step)))
              (br_if $zero (i32.lt_u (local.get $to) (local.get $end))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $lines (i32.lt_u (local.get $c) (local.get $width))))
      (local.set $q0 (i32.add (local.get $q0) (local.get $width)))
      (br_if $panels (i32.lt_u (local.get $q0) (local.get $count)))))

  ;; The same panels from the other layout: src holds [len, count], rows
  ;; `stride` numbers apart (stride ≥ count), so a panel row is `width`
  ;; neighbours of one src row, copied 4 at a time.
  ;; B [k, m] row-major packs this way (width 8), and so does A stored
  ;; transposed, Aᵀ [k, n] (width 4): the weight gradients Xᵀ·dY.
  (func $packColumns (export "packColumns")
    (param $src i32) (param $dst i32) (param $count i32) (param $len i32) (param $width i32) (param $stride i32)
    (local $q0 i32) (local $p i32) (local $c i32) (local $from i32) (local $full i32)
    (loop $panels
      (local.set $full (i32.le_u (i32.add (local.get $q0) (local.get $width)) (local.get $count)))
      (local.set $p (i32.const 0))
      (loop $rows
        (local.set $from (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $stride)) (local.get $q0)) (i32.const 2))))
        (if (local.get $full)
          (then
            (local.set $c (i32.const 0))
            (loop $vectors
              (v128.store (local.get $dst) (v128.load (i32.add (local.get $from) (i32.shl (local.get $c) (i32.const 2)))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))
              (br_if $vectors (i32.lt_u (local.get $c) (local.get $width)))))
          (else
            (local.set $c (i32.const 0))
            (loop $numbers
              (f32.store (local.get $dst)
                (if (result f32) (i32.lt_u (i32.add (local.get $q0) (local.get $c)) (local.get $count))
                  (then (f32.load (i32.add (local.get $from) (i32.shl (local.get $c) (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $numbers (i32.lt_u (local.get $c) (local.get $width))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $p) (local.get $len))))
      (local.set $q0 (i32.add (local.get $q0) (local.get $width)))
      (br_if $panels (i32.lt_u (local.get $q0) (local.get $count)))))

  ;; The micro-kernel: C[rows, cols] += (A panel [kc, 4])ᵀ @ (B panel [kc, 8]),
  ;; C's rows `ldc` bytes apart. Each sum runs over p in order in float32 and
  ;; is added to C once. rows ≤ 4 and cols ≤ 8: an edge tile (past n or m)
  ;; is computed whole on the panels' zero padding, and only its valid part
  ;; is added to C, through the scratch tile.
  (func $tile (param $pa i32) (param $pb i32) (param $kc i32) (param $pc i32) (param $ldc i32) (param $rows i32) (param $cols i32)
    (local $end i32) (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $r i32) (local $j i32) (local $to i32)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $kc) (i32.const 4))))
    (loop $steps
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $steps (i32.lt_u (local.get $pa) (local.get $end))))
    (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
      (then
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c00)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c01)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c10)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c11)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c20)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c21)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c30)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c31))))
      (else
        ;; scratch tile [4, 8] at byte 0
        (v128.store offset=0 (i32.const 0) (local.get $c00))
        (v128.store offset=16 (i32.const 0) (local.get $c01))
        (v128.store offset=32 (i32.const 0) (local.get $c10))
        (v128.store offset=48 (i32.const 0) (local.get $c11))
        (v128.store offset=64 (i32.const 0) (local.get $c20))
        (v128.store offset=80 (i32.const 0) (local.get $c21))
        (v128.store offset=96 (i32.const 0) (local.get $c30))
        (v128.store offset=112 (i32.const 0) (local.get $c31))
        (loop $rowsLeft
          (local.set $j (i32.const 0))
          (loop $colsLeft
            (local.set $to (i32.add (i32.add (local.get $pc) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $to)
              (f32.add (f32.load (local.get $to))
                (f32.load (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $colsLeft (i32.lt_u (local.get $j) (local.get $cols))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rowsLeft (i32.lt_u (local.get $r) (local.get $rows)))))))

  ;; C[n, m] += A @ B from the packed panels: `a` from a packing of width 4,
  ;; `b` of width 8, `c` row-major. Blocked over k (KC) and the rows of A (MC);
  ;; within a block, each B panel meets every A panel of the block in turn.
  (func $gemm (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $k i32) (param $m i32)
    (local $p0 i32) (local $kc i32) (local $i1 i32) (local $iEnd i32) (local $i i32) (local $j i32)
    (if (i32.or (i32.or (i32.eqz (local.get $n)) (i32.eqz (local.get $m))) (i32.eqz (local.get $k))) (then (return)))
    (loop $kBlocks
      (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $p0))
        (i32.lt_u (global.get $KC) (i32.sub (local.get $k) (local.get $p0)))))
      (local.set $i1 (i32.const 0))
      (loop $rowBlocks
        (local.set $iEnd (select (i32.add (local.get $i1) (global.get $MC)) (local.get $n)
          (i32.lt_u (i32.add (local.get $i1) (global.get $MC)) (local.get $n))))
        (local.set $j (i32.const 0))
        (loop $bPanels
          (local.set $i (local.get $i1))
          (loop $aPanels
            (call $tile
              ;; A panel i/4 at a + 4·i·k bytes, step p0 at 16·p0 more
              (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (i32.shl (local.get $p0) (i32.const 2))) (i32.const 2)))
              ;; B panel j/8 at b + 4·j·k bytes, step p0 at 32·p0 more
              (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (i32.shl (local.get $p0) (i32.const 3))) (i32.const 2)))
              (local.get $kc)
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $j)) (i32.const 2)))
              (i32.shl (local.get $m) (i32.const 2))
              (select (i32.const 4) (i32.sub (local.get $n) (local.get $i)) (i32.lt_u (i32.const 4) (i32.sub (local.get $n) (local.get $i))))
              (select (i32.const 8) (i32.sub (local.get $m) (local.get $j)) (i32.lt_u (i32.const 8) (i32.sub (local.get $m) (local.get $j)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br_if $aPanels (i32.lt_u (local.get $i) (local.get $iEnd))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br_if $bPanels (i32.lt_u (local.get $j) (local.get $m))))
        (local.set $i1 (local.get $iEnd))
        (br_if $rowBlocks (i32.lt_u (local.get $i1) (local.get $n))))
      (local.set $p0 (i32.add (local.get $p0) (local.get $kc)))
      (br_if $kBlocks (i32.lt_u (local.get $p0) (local.get $k)))))
)
