// What a GPU kernel's name says about its work, for the cost model (kernel_cost.h): the data
// type it works in, whether it does TF32 tensor-core math or fp32 math on the CUDA cores, its CTA
// tile (the output block one thread block computes), and whether it is a layout transpose.
// Traces record tensor shapes only on the framework op, and not in every trace; the kernel name
// and its launch dimensions are always there. Library naming conventions, lowercase:
//  - data type: "e4m3"/"e5m2"/"fp8" fp8; "bf16"/"bfloat16" bf16; "half"/"fp16"/"f16" and the
//    fp16 tensor-core GEMMs "h884"/"h1688"/"h16816" fp16; "float"/"f32"/"sgemm"/"scudnn" fp32;
//    AMD Tensile/hipBLASLt "Cijk_<A>_<B>_<T>..." by the first letter of <T> (B bf16, H fp16,
//    S fp32). The narrowest type the name spells wins (a bf16 softmax accumulates in float).
//    Integer template arguments ("<long>", "<int>", "int64_t") mark integer work (a batch-norm
//    step counter), which no precision change touches.
//  - TF32 math: "tf32" or "xf32" (cuDNN/CUTLASS/xmma spell the math type in the name), or a
//    CUTLASS "tensorop_s1688" GEMM that spells no 16-bit input type (fp32 elements on the
//    m16n8k8 TF32 tensor-core instruction); fp32 data without either runs on the CUDA cores.
//  - CTA tile: "tilesize<M>x<N>" (xmma), "MT<M>x<N>x<K>" (Tensile), else the first "_<M>x<N>"
//    with both sides at least 16 (cuBLAS "sgemm_128x64", cuDNN "scudnn_128x64", CUTLASS
//    "..._256x128_32x3_..."): the first pair is the CTA tile in every one of these conventions.
//  - layout transpose: cuDNN's "nchwToNhwc"/"nhwcToNchw" and the "nchw2nhwc" spellings.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "graph/execution_state.h"

namespace dd {

struct KernelTraits {
  std::optional<DataType> type;  // kTf32 for TF32 math on fp32 data; nullopt: not spelled
  bool integer = false;          // integer work (spelled), untouched by precision changes
  uint32_t tile_m = 0;           // CTA tile; 0: the name carries none
  uint32_t tile_n = 0;
  bool layout_transpose = false;
};

KernelTraits kernel_traits(std::string_view kernel_name);

}  // namespace dd
