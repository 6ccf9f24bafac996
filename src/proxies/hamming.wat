;; Pairwise Hamming distances of binary ReLU codes, for the NASWOT kernel (hamming.ts).
;; WebAssembly has a native 64-bit population count (i64.popcnt); JavaScript has none, so the
;; XOR-popcount loop over n^2/2 pairs x ceil(F/64) words runs here. `npm run build:wasm` compiles this
;; file with wabt into hammingWasm.ts (the module's bytes); test/proxies/hammingWasm.test.ts checks
;; that the committed bytes are this file's.
(module
  (memory (export "memory") 1)

  ;; Pack the codes (value > 0; NaN gives 0) of $n samples x $f float32 values, sample-major at
  ;; $src, into 64-bit words at $dst: value k of sample i is bit (k mod 64) of word
  ;; i*$words + floor(k/64), with $words = ceil($f/64) (the unused bits of a sample's last word are 0).
  (func (export "pack") (param $src i32) (param $n i32) (param $f i32) (param $dst i32) (param $words i32)
    (local $i i32) (local $w i32) (local $b i32) (local $len i32) (local $p i32) (local $out i32) (local $acc i64)
    (local.set $p (local.get $src))
    (local.set $out (local.get $dst))
    (block $samples_done
      (loop $samples
        (br_if $samples_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $w (i32.const 0))
        (block $words_done
          (loop $words_loop
            (br_if $words_done (i32.ge_u (local.get $w) (local.get $words)))
            ;; values in this word: min(64, f - 64*w)
            (local.set $len (i32.sub (local.get $f) (i32.shl (local.get $w) (i32.const 6))))
            (if (i32.gt_u (local.get $len) (i32.const 64)) (then (local.set $len (i32.const 64))))
            (local.set $acc (i64.const 0))
            (local.set $b (i32.const 0))
            (block $bits_done
              (loop $bits
                (br_if $bits_done (i32.ge_u (local.get $b) (local.get $len)))
                (local.set $acc
                  (i64.or (local.get $acc)
                    (i64.shl
                      (i64.extend_i32_u (f32.gt (f32.load (local.get $p)) (f32.const 0)))
                      (i64.extend_i32_u (local.get $b)))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bits)))
            (i64.store (local.get $out) (local.get $acc))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (br $words_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $samples)))
  )

  ;; Distances of the packed codes at $codes ($n samples x $words words): the row-major $nx$n
  ;; float64 matrix at $out gets d_H(i, j) = popcount(c_i XOR c_j) above the diagonal, 0 on and
  ;; below it.
  (func (export "distances") (param $codes i32) (param $n i32) (param $words i32) (param $out i32)
    (local $i i32) (local $j i32) (local $w i32) (local $a i32) (local $c i32) (local $s i64) (local $row i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $words) (i32.const 3)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $s (i64.const 0))
            (if (i32.gt_u (local.get $j) (local.get $i))
              (then
                (local.set $a (i32.add (local.get $codes) (i32.mul (local.get $i) (local.get $stride))))
                (local.set $c (i32.add (local.get $codes) (i32.mul (local.get $j) (local.get $stride))))
                (local.set $w (i32.const 0))
                (block $pair_done
                  (loop $pair
                    (br_if $pair_done (i32.ge_u (local.get $w) (local.get $words)))
                    (local.set $s
                      (i64.add (local.get $s)
                        (i64.popcnt (i64.xor (i64.load (local.get $a)) (i64.load (local.get $c))))))
                    (local.set $a (i32.add (local.get $a) (i32.const 8)))
                    (local.set $c (i32.add (local.get $c) (i32.const 8)))
                    (local.set $w (i32.add (local.get $w) (i32.const 1)))
                    (br $pair)))))
            (f64.store
              (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))
              (f64.convert_i64_u (local.get $s)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
  )
)
