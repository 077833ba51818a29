// KernelClass: what kind of work a GPU op does (GEMM, convolution, attention, elementwise, ...),
// inferred from its kernel name and, when known, the framework op that launched it. Breakdowns
// group time by class, and what-if cost models use it to decide which kernels are compute-bound
// (tensor-core work that scales with FLOP/s) and which are memory-bound (scale with bandwidth).
// Names vary across CUDA/cuDNN/cuBLAS/CUTLASS/Triton/NCCL versions, so matching is by ordered,
// case-insensitive keyword rules (see kernel_class.cc for the list and its rationale).
#pragma once

#include <cstdint>
#include <string_view>

namespace dd {

enum class KernelClass : uint8_t {
  kGemm,
  kConvolution,
  kAttention,
  kElementwise,
  kReduction,
  kNormalization,
  kOptimizer,
  kCommunication,
  kCopy,
  kMemset,
  kOther
};

// "gemm", "convolution", "attention", "elementwise", "reduction", "normalization", "optimizer",
// "communication", "copy", "memset", "other".
std::string_view kernel_class_name(KernelClass k);

// Classifies a GPU op from its kernel name and, when known, the framework op (e.g.
// "aten::addmm") that launched it. `op_name` may be empty. Memcpy/memset ops are classified by
// the caller (kCopy / kMemset) and never reach this function, but names like "Memcpy DtoD" still
// map to kCopy (and "Memset (Device)" to kMemset) whatever the op. Allocation-free; safe to call
// from many threads.
KernelClass classify_kernel(std::string_view kernel_name, std::string_view op_name = {});

// True for classes that run on tensor cores / are compute-bound (gemm, convolution, attention).
bool is_compute_bound(KernelClass k);

}  // namespace dd
