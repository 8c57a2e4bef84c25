;; C = A·B in float64 for the reference's convolutions and matrix products (see src/ops/shared/wasm-gemm.ts).
;; A is packed in 4-row blocks as [M4/4][K][4]; B is row-major [K][N4]; C is row-major [M4][N4] and overwritten.
;; M4 and N4 are multiples of 4 (the caller zero-pads). Each 4×4 tile of C is 8 f64x2 accumulators; every product is
;; added in k order with separate multiply and add, exactly as the JS kernel does, so the results are bit-identical.
(module
  (memory (export "memory") 1)
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m4 i32) (param $n4 i32) (param $k i32)
    (local $ib i32) (local $j i32) (local $kk i32) (local $ap i32) (local $bp i32) (local $cp i32) (local $rowBytes i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowBytes (i32.shl (local.get $n4) (i32.const 3)))
    (block $done_i
      (loop $each_i
        (br_if $done_i (i32.ge_s (i32.shl (local.get $ib) (i32.const 2)) (local.get $m4)))
        (local.set $j (i32.const 0))
        (block $done_j
          (loop $each_j
            (br_if $done_j (i32.ge_s (local.get $j) (local.get $n4)))
            (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
            (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
            (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
            (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
            (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $ib) (i32.shl (local.get $k) (i32.const 5)))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $kk (i32.const 0))
            (block $done_k
              (loop $each_k
                (br_if $done_k (i32.ge_s (local.get $kk) (local.get $k)))
                (local.set $b0 (v128.load (local.get $bp)))
                (local.set $b1 (v128.load offset=16 (local.get $bp)))
                (local.set $x (f64x2.splat (f64.load (local.get $ap))))
                (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load offset=8 (local.get $ap))))
                (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load offset=16 (local.get $ap))))
                (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $x (f64x2.splat (f64.load offset=24 (local.get $ap))))
                (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
                (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
                (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $each_k)))
            ;; store the tile: row r of the block at C[(4·ib + r)·N4 + j]
            (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (i32.shl (local.get $ib) (i32.const 2)) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 3)))))
            (v128.store (local.get $cp) (local.get $c00)) (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
            (v128.store (local.get $cp) (local.get $c10)) (v128.store offset=16 (local.get $cp) (local.get $c11))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
            (v128.store (local.get $cp) (local.get $c20)) (v128.store offset=16 (local.get $cp) (local.get $c21))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
            (v128.store (local.get $cp) (local.get $c30)) (v128.store offset=16 (local.get $cp) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $each_j)))
        (local.set $ib (i32.add (local.get $ib) (i32.const 1)))
        (br $each_i)))
  )
)
