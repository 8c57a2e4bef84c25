;; The float64 matrix-multiply kernels of the reference (see src/ops/shared/gemm-kernels.ts, which holds the JS
;; twins of these functions: same loops, same order of every multiply and add, so the results are bit-identical).
;; Every address, offset and stride is in bytes.
;;
;; With $f32 set, gemm and direct round each result to float32 once on store (f32x4.demote_f64x2_zero: round to
;; nearest even, as a Float32Array store does), 16 bytes per 4 results instead of 32.
;; gemm: C = A·B + bias for a grid of 4×4 tiles. A is packed in blocks of 4 rows, [block][k][4] (rows past the
;;   last padded with zeros; $blocks blocks), B in panels of 4 columns, [panel][k][4] (see pack). Tile (block i, panel p) goes to C + (4i + r)·$ldc + 32p. Each element is 0, plus A(r,0)·B(0,c), plus
;;   A(r,1)·B(1,c), ... in k order with a separate multiply and add, then plus bias[4i + r]; the 4×4 sums live in 8
;;   f64x2 accumulators.
;; pack: B panels for a convolution (im2col): element (k, o) of B is x[$x + offsets[k] + outOff[o]], where
;;   offsets[k] (k < $depth) is the byte offset of channel c and kernel tap t (k = c·taps + t) inside a zero-padded
;;   input, and outOff[o] that of output position o's window origin. Window origins grow by at least 8 bytes from
;;   one window to the next (stride >= 1 along a row; a new row starts past the previous window's span) and the
;;   padding entries past the last window are 0, so outOff[o+3] = outOff[o] + 24 means four consecutive elements
;;   (stride 1, one row): those are copied as two f64x2.
;; direct: one output channel of a convolution without packing (depthwise and other one-filter groups):
;;   dst[o] = (0 + Σ_k w[k]·x[$x + offsets[k] + outOff[o]], k in order) + $bias. Eight windows whose origins are
;;   consecutive (outOff[o+7] = outOff[o] + 56, by the argument above) take 4 f64x2 loads per tap; other panels
;;   of 4 are gathered.
;; widen: float32 rows to float64 (exact): row r of $inner elements from $src + r·$srcStride to $dst + r·$dstStride.
(module
  (memory (export "memory") 1)

  ;; Stores two f64x2 (4 consecutive results) at $cp: as 4 float64, or rounded to 4 float32 when $f32 is set.
  (func $store (param $cp i32) (param $lo v128) (param $hi v128) (param $f32 i32)
    (if (local.get $f32)
      (then
        (v128.store64_lane 0 (local.get $cp) (f32x4.demote_f64x2_zero (local.get $lo)))
        (v128.store64_lane offset=8 0 (local.get $cp) (f32x4.demote_f64x2_zero (local.get $hi))))
      (else
        (v128.store (local.get $cp) (local.get $lo))
        (v128.store offset=16 (local.get $cp) (local.get $hi))))
  )

  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $ldc i32)
        (param $bias i32) (param $blocks i32) (param $panels i32) (param $depth i32) (param $f32 i32)
    (local $ib i32) (local $p i32) (local $row i32) (local $ap i32)
    (local $end i32) (local $bp i32) (local $cp i32) (local $panelBytes i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $panelBytes (i32.shl (local.get $depth) (i32.const 5)))
    (block $done_i (loop $each_i
      (br_if $done_i (i32.ge_u (local.get $ib) (local.get $blocks)))
      (local.set $row (i32.add (local.get $a) (i32.mul (local.get $ib) (local.get $panelBytes))))
      (local.set $p (i32.const 0))
      (block $done_p (loop $each_p
        (br_if $done_p (i32.ge_u (local.get $p) (local.get $panels)))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $ap (local.get $row))
        (local.set $end (i32.add (local.get $ap) (local.get $panelBytes)))
        (local.set $bp (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $panelBytes))))
        (block $done_k (loop $each_k
          (br_if $done_k (i32.ge_u (local.get $ap) (local.get $end)))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $x (v128.load64_splat (local.get $ap)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=8 (local.get $ap)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=16 (local.get $ap)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat offset=24 (local.get $ap)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
          (br $each_k)))
        ;; row r of the tile: C[4i + r][4p .. 4p+3] = sums + bias[4i + r] (16 bytes per panel as float32, else 32)
        (local.set $cp (i32.mul (i32.shl (local.get $ib) (i32.const 2)) (local.get $ldc)))
        (local.set $cp (i32.add (local.get $c) (local.get $cp)))
        (local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $p) (i32.sub (i32.const 5) (local.get $f32)))))
        (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $ib) (i32.const 5))))
        (local.set $x (v128.load64_splat (local.get $bp)))
        (call $store (local.get $cp)
          (f64x2.add (local.get $c00) (local.get $x)) (f64x2.add (local.get $c01) (local.get $x)) (local.get $f32))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (local.set $x (v128.load64_splat offset=8 (local.get $bp)))
        (call $store (local.get $cp)
          (f64x2.add (local.get $c10) (local.get $x)) (f64x2.add (local.get $c11) (local.get $x)) (local.get $f32))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (local.set $x (v128.load64_splat offset=16 (local.get $bp)))
        (call $store (local.get $cp)
          (f64x2.add (local.get $c20) (local.get $x)) (f64x2.add (local.get $c21) (local.get $x)) (local.get $f32))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (local.set $x (v128.load64_splat offset=24 (local.get $bp)))
        (call $store (local.get $cp)
          (f64x2.add (local.get $c30) (local.get $x)) (f64x2.add (local.get $c31) (local.get $x)) (local.get $f32))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each_p)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 1)))
      (br $each_i)))
  )

  (func (export "pack") (param $x i32) (param $offsets i32) (param $outOff i32) (param $dst i32)
        (param $depth i32) (param $panels i32)
    (local $p i32) (local $k i32) (local $base i32) (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $offsets) (i32.shl (local.get $depth) (i32.const 2))))
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $o0 (i32.load (local.get $outOff)))
      (local.set $o1 (i32.load offset=4 (local.get $outOff)))
      (local.set $o2 (i32.load offset=8 (local.get $outOff)))
      (local.set $o3 (i32.load offset=12 (local.get $outOff)))
      (local.set $k (local.get $offsets))
      (if (i32.eq (local.get $o3) (i32.add (local.get $o0) (i32.const 24)))
        (then
          (local.set $o0 (i32.add (local.get $x) (local.get $o0)))
          (block $done_c (loop $each_c
            (br_if $done_c (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $base (i32.add (local.get $o0) (i32.load (local.get $k))))
            (v128.store (local.get $dst) (v128.load (local.get $base)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $base)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $each_c))))
        (else
          (block $done_g (loop $each_g
            (br_if $done_g (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $base (i32.add (local.get $x) (i32.load (local.get $k))))
            (f64.store (local.get $dst) (f64.load (i32.add (local.get $base) (local.get $o0))))
            (f64.store offset=8 (local.get $dst) (f64.load (i32.add (local.get $base) (local.get $o1))))
            (f64.store offset=16 (local.get $dst) (f64.load (i32.add (local.get $base) (local.get $o2))))
            (f64.store offset=24 (local.get $dst) (f64.load (i32.add (local.get $base) (local.get $o3))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $each_g)))))
      (local.set $outOff (i32.add (local.get $outOff) (i32.const 16)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

  (func (export "direct") (param $x i32) (param $w i32) (param $offsets i32) (param $outOff i32) (param $dst i32)
        (param $bias f64) (param $depth i32) (param $panels i32) (param $f32 i32)
    (local $tile i32)
    (local $p i32) (local $k i32) (local $wp i32) (local $base i32) (local $end i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $wv v128)
    (local $v0 v128) (local $v1 v128)
    (local.set $end (i32.add (local.get $offsets) (i32.shl (local.get $depth) (i32.const 2))))
    (local.set $tile (select (i32.const 16) (i32.const 32) (local.get $f32)))
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $o0 (i32.load (local.get $outOff)))
      (local.set $acc0 (v128.const i64x2 0 0))
      (local.set $acc1 (v128.const i64x2 0 0))
      (local.set $k (local.get $offsets))
      (local.set $wp (local.get $w))
      (if (i32.and (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $panels))
                   (i32.eq (i32.load offset=28 (local.get $outOff)) (i32.add (local.get $o0) (i32.const 56))))
        (then
          ;; 8 windows whose origins are 8 consecutive elements: 4 accumulators, 4 loads per tap
          (local.set $acc2 (v128.const i64x2 0 0))
          (local.set $acc3 (v128.const i64x2 0 0))
          (local.set $o0 (i32.add (local.get $x) (local.get $o0)))
          (block $done_8 (loop $each_8
            (br_if $done_8 (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $base (i32.add (local.get $o0) (i32.load (local.get $k))))
            (local.set $wv (v128.load64_splat (local.get $wp)))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $wv) (v128.load (local.get $base)))))
            (local.set $acc1
              (f64x2.add (local.get $acc1) (f64x2.mul (local.get $wv) (v128.load offset=16 (local.get $base)))))
            (local.set $acc2
              (f64x2.add (local.get $acc2) (f64x2.mul (local.get $wv) (v128.load offset=32 (local.get $base)))))
            (local.set $acc3
              (f64x2.add (local.get $acc3) (f64x2.mul (local.get $wv) (v128.load offset=48 (local.get $base)))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $each_8)))
          (local.set $wv (f64x2.splat (local.get $bias)))
          (call $store (local.get $dst) (f64x2.add (local.get $acc0) (local.get $wv))
                       (f64x2.add (local.get $acc1) (local.get $wv)) (local.get $f32))
          (call $store (i32.add (local.get $dst) (local.get $tile)) (f64x2.add (local.get $acc2) (local.get $wv))
                       (f64x2.add (local.get $acc3) (local.get $wv)) (local.get $f32))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $tile) (i32.const 1))))
          (local.set $outOff (i32.add (local.get $outOff) (i32.const 32)))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br $each_p)))
      ;; one panel of 4 windows, gathered element by element
      (local.set $o1 (i32.load offset=4 (local.get $outOff)))
      (local.set $o2 (i32.load offset=8 (local.get $outOff)))
      (local.set $o3 (i32.load offset=12 (local.get $outOff)))
      (block $done_g (loop $each_g
        (br_if $done_g (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $base (i32.add (local.get $x) (i32.load (local.get $k))))
        (local.set $wv (v128.load64_splat (local.get $wp)))
        (local.set $v0 (f64x2.replace_lane 1 (v128.load64_splat (i32.add (local.get $base) (local.get $o0)))
                                             (f64.load (i32.add (local.get $base) (local.get $o1)))))
        (local.set $v1 (f64x2.replace_lane 1 (v128.load64_splat (i32.add (local.get $base) (local.get $o2)))
                                             (f64.load (i32.add (local.get $base) (local.get $o3)))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $wv) (local.get $v0))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $wv) (local.get $v1))))
        (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $each_g)))
      (local.set $wv (f64x2.splat (local.get $bias)))
      (call $store (local.get $dst) (f64x2.add (local.get $acc0) (local.get $wv))
                   (f64x2.add (local.get $acc1) (local.get $wv)) (local.get $f32))
      (local.set $dst (i32.add (local.get $dst) (local.get $tile)))
      (local.set $outOff (i32.add (local.get $outOff) (i32.const 16)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

  (func (export "widen") (param $src i32) (param $dst i32) (param $rows i32) (param $inner i32)
        (param $srcStride i32) (param $dstStride i32)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32) (local $v v128)
    (block $done_r (loop $each_r
      (br_if $done_r (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $srcStride))))
      (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $r) (local.get $dstStride))))
      (local.set $end (i32.add (local.get $s) (i32.shl (local.get $inner) (i32.const 2))))
      (block $done_4 (loop $each_4
        (br_if $done_4 (i32.gt_u (i32.add (local.get $s) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $s)))
        (v128.store (local.get $d) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $d)
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (br $each_4)))
      (block $done_1 (loop $each_1
        (br_if $done_1 (i32.ge_u (local.get $s) (local.get $end)))
        (f64.store (local.get $d) (f64.promote_f32 (f32.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (i32.const 8)))
        (br $each_1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $each_r)))
  )
)
