;; 2-D window max for float32 NCHW planes, in two separable passes (see src/ops/shared/wasm-max-pool.ts).
;; All pointers are byte offsets into the exported memory. An empty window (only padding) gives LOWEST.
;; NaN wins every comparison (f32.max / f32x4.max propagate NaN), as in onnxruntime.
(module
  (memory (export "memory") 1)

  ;; rows: for every input row r in [0, rows): dst[r*outW + ox] = max over the clipped window of src[r*W + x],
  ;; window(ox) = [ox*s - pad, ox*s - pad + k) ∩ [0, W). With s = 1, outputs whose 4-wide group lies in the
  ;; interior are computed 4 at a time from unaligned loads.
  (func (export "rows") (param $src i32) (param $dst i32) (param $rows i32) (param $W i32) (param $outW i32)
                        (param $k i32) (param $s i32) (param $pad i32) (param $lowest f32)
    (local $r i32) (local $ox i32) (local $start i32) (local $x i32) (local $x1 i32)
    (local $srow i32) (local $drow i32) (local $m f32) (local $v v128) (local $j i32) (local $p i32)
    (local $simdLo i32) (local $simdHi i32)
    ;; SIMD group [ox, ox+4) is interior when ox >= pad and ox + 3 + k - 1 - pad <= W - 1 (s = 1 only).
    (local.set $simdLo (local.get $pad))
    (local.set $simdHi (i32.sub (i32.add (i32.sub (local.get $W) (local.get $k)) (local.get $pad)) (i32.const 2)))
    (if (i32.ne (local.get $s) (i32.const 1)) (then (local.set $simdHi (i32.const -1))))
    (block $done_rows
      (loop $each_row
        (br_if $done_rows (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $srow (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $W)) (i32.const 2))))
        (local.set $drow (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $outW)) (i32.const 2))))
        (local.set $ox (i32.const 0))
        (block $done_ox
          (loop $each_ox
            (br_if $done_ox (i32.ge_s (local.get $ox) (local.get $outW)))
            (if (i32.and (i32.ge_s (local.get $ox) (local.get $simdLo))
                         (i32.and (i32.lt_s (local.get $ox) (local.get $simdHi))
                                  (i32.le_s (i32.add (local.get $ox) (i32.const 4)) (local.get $outW))))
              (then
                ;; 4 outputs: v = max_j src[ox - pad + j .. +4)
                (local.set $p (i32.add (local.get $srow) (i32.shl (i32.sub (local.get $ox) (local.get $pad)) (i32.const 2))))
                (local.set $v (v128.load (local.get $p)))
                (local.set $j (i32.const 1))
                (block $done_j
                  (loop $each_j
                    (br_if $done_j (i32.ge_s (local.get $j) (local.get $k)))
                    (local.set $v (f32x4.max (local.get $v) (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $each_j)))
                (v128.store (i32.add (local.get $drow) (i32.shl (local.get $ox) (i32.const 2))) (local.get $v))
                (local.set $ox (i32.add (local.get $ox) (i32.const 4))))
              (else
                (local.set $start (i32.sub (i32.mul (local.get $ox) (local.get $s)) (local.get $pad)))
                (local.set $x1 (i32.add (local.get $start) (local.get $k)))
                (if (i32.gt_s (local.get $x1) (local.get $W)) (then (local.set $x1 (local.get $W))))
                (local.set $x (local.get $start))
                (if (i32.lt_s (local.get $x) (i32.const 0)) (then (local.set $x (i32.const 0))))
                (local.set $m (local.get $lowest))
                (if (i32.lt_s (local.get $x) (local.get $x1))
                  (then
                    (local.set $m (f32.load (i32.add (local.get $srow) (i32.shl (local.get $x) (i32.const 2)))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (block $done_x
                      (loop $each_x
                        (br_if $done_x (i32.ge_s (local.get $x) (local.get $x1)))
                        (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $srow) (i32.shl (local.get $x) (i32.const 2))))))
                        (local.set $x (i32.add (local.get $x) (i32.const 1)))
                        (br $each_x)))))
                (f32.store (i32.add (local.get $drow) (i32.shl (local.get $ox) (i32.const 2))) (local.get $m))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))))
            (br $each_ox)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row)))
  )

  ;; cols: for every plane p and output row oy: dst[(p*outH + oy)*len + i] = max over the clipped window of rows
  ;; src[(p*H + y)*len + i], window(oy) = [oy*s - pad, oy*s - pad + k) ∩ [0, H); 4 columns at a time.
  (func (export "cols") (param $src i32) (param $dst i32) (param $planes i32) (param $H i32) (param $outH i32)
                        (param $len i32) (param $k i32) (param $s i32) (param $pad i32) (param $lowest f32)
    (local $p i32) (local $oy i32) (local $y i32) (local $y1 i32) (local $start i32) (local $i i32)
    (local $drow i32) (local $srow i32) (local $plane i32) (local $v4 i32)
    (local.set $v4 (i32.and (local.get $len) (i32.const -4)))
    (block $done_p
      (loop $each_p
        (br_if $done_p (i32.ge_s (local.get $p) (local.get $planes)))
        (local.set $plane (i32.add (local.get $src) (i32.shl (i32.mul (i32.mul (local.get $p) (local.get $H)) (local.get $len)) (i32.const 2))))
        (local.set $oy (i32.const 0))
        (block $done_oy
          (loop $each_oy
            (br_if $done_oy (i32.ge_s (local.get $oy) (local.get $outH)))
            (local.set $drow (i32.add (local.get $dst) (i32.shl (i32.mul (i32.add (i32.mul (local.get $p) (local.get $outH)) (local.get $oy)) (local.get $len)) (i32.const 2))))
            (local.set $start (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $pad)))
            (local.set $y1 (i32.add (local.get $start) (local.get $k)))
            (if (i32.gt_s (local.get $y1) (local.get $H)) (then (local.set $y1 (local.get $H))))
            (local.set $y (local.get $start))
            (if (i32.lt_s (local.get $y) (i32.const 0)) (then (local.set $y (i32.const 0))))
            (if (i32.ge_s (local.get $y) (local.get $y1))
              (then
                ;; only padding: fill with LOWEST
                (local.set $i (i32.const 0))
                (block $done_fill
                  (loop $each_fill
                    (br_if $done_fill (i32.ge_s (local.get $i) (local.get $len)))
                    (f32.store (i32.add (local.get $drow) (i32.shl (local.get $i) (i32.const 2))) (local.get $lowest))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $each_fill))))
              (else
                ;; copy the first row, then max the others in
                (local.set $srow (i32.add (local.get $plane) (i32.shl (i32.mul (local.get $y) (local.get $len)) (i32.const 2))))
                (memory.copy (local.get $drow) (local.get $srow) (i32.shl (local.get $len) (i32.const 2)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (block $done_y
                  (loop $each_y
                    (br_if $done_y (i32.ge_s (local.get $y) (local.get $y1)))
                    (local.set $srow (i32.add (local.get $plane) (i32.shl (i32.mul (local.get $y) (local.get $len)) (i32.const 2))))
                    (local.set $i (i32.const 0))
                    (block $done_v
                      (loop $each_v
                        (br_if $done_v (i32.ge_s (local.get $i) (local.get $v4)))
                        (v128.store (i32.add (local.get $drow) (i32.shl (local.get $i) (i32.const 2)))
                          (f32x4.max (v128.load (i32.add (local.get $drow) (i32.shl (local.get $i) (i32.const 2))))
                                     (v128.load (i32.add (local.get $srow) (i32.shl (local.get $i) (i32.const 2))))))
                        (local.set $i (i32.add (local.get $i) (i32.const 4)))
                        (br $each_v)))
                    (block $done_t
                      (loop $each_t
                        (br_if $done_t (i32.ge_s (local.get $i) (local.get $len)))
                        (f32.store (i32.add (local.get $drow) (i32.shl (local.get $i) (i32.const 2)))
                          (f32.max (f32.load (i32.add (local.get $drow) (i32.shl (local.get $i) (i32.const 2))))
                                   (f32.load (i32.add (local.get $srow) (i32.shl (local.get $i) (i32.const 2))))))
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br $each_t)))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $each_y)))))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $each_oy)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $each_p)))
  )
)
