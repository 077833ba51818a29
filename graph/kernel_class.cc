// Kernel classification by ordered keyword rules over the kernel name, refined by the launching
// framework op. Breakdowns report time per class; what-if cost models scale compute-bound
// classes (gemm/convolution/attention) with FLOP/s and the rest with memory bandwidth, so the
// rules are built to keep that split right first and the finer class second.
//
// Matching works on a lowercased copy of the name's *signature*: the demangled name up to its
// parameter list (the parameters repeat the template arguments' types and only add noise such as
// "cudnnTensorStruct"), at most kMaxKernelChars characters, in a stack buffer. One pass over it
// finds every rule keyword at once (KeySet, bucketed at compile time); no regex, no allocation.
// Rules, first match wins:
//   0. Activity names: "Memcpy ..."/"[CUDA memcpy ...]" -> copy, "Memset ..." -> memset.
//   1. Inductor Triton kernels ("triton_<kind>_..."): the suffix lists the *fused* aten ops,
//      which may include "convolution"/"addmm" for a fused bias epilogue, so only the kind
//      decides compute classes: tem (template) -> attention/convolution/gemm, mm -> gemm;
//      poi/red/per/for -> normalization or optimizer if those ops are named, else for ->
//      optimizer, poi -> elementwise, red/per -> reduction.
//   2. PyTorch's generic launchers, decided by the kernel function itself, not its template
//      arguments (a functor can be named after any op): *elementwise* -> elementwise,
//      reduce_kernel -> reduction.
//   3. communication  4. attention  5. optimizer  6. normalization  7. convolution  8. gemm
//   9. reduction  10. elementwise  11. copy ("memcpy")  12. memset ("memset")  13. other.
// Then the op name refines *generic* matches without ever moving a kernel across the
// compute-/memory-bound line (except from "other"):
//   - gemm (a generic engine: sgemm, xmma, cutlass, ...) under a convolution or attention op
//     becomes that op's class (implicit-GEMM convolution, cuBLAS inside attention);
//   - elementwise/reduction under an optimizer or normalization op becomes that class;
//   - other (nothing matched) takes the op's class, whatever it is.
#include "graph/kernel_class.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace dd {

namespace {

using std::string_view;

// Significant kernel-name characters examined; longer names are matched on their prefix, which
// holds the function name and the leading template arguments (functor, tile, engine names).
constexpr size_t kMaxKernelChars = 1024;
constexpr size_t kMaxOpChars = 256;

constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Per-byte lookup tables: the lowercase of a byte, and whether it can affect where the signature
// ends ('<', '>', '('), so the copy loop takes one well-predicted branch per character.
constexpr std::array<char, 256> kLower = [] {
  std::array<char, 256> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = to_lower(static_cast<char>(i));
  return t;
}();

constexpr std::array<bool, 256> kBracket = [] {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>('<')] = true;
  t[static_cast<unsigned char>('>')] = true;
  t[static_cast<unsigned char>('(')] = true;
  return t;
}();

// Lowercases `name` into `buf` up to the parameter list: the first '(' outside template brackets
// that directly follows an identifier or '>' ("(anonymous namespace)" and "Memcpy HtoD (...)"
// follow ':' or ' ' and are kept).
template <size_t N>
string_view lower_signature(string_view name, std::array<char, N>& buf) {
  size_t limit = name.size() < N ? name.size() : N;
  int depth = 0;
  for (size_t i = 0; i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (kBracket[c]) {
      if (c == '<') {
        ++depth;
      } else if (c == '>') {
        if (depth > 0) --depth;
      } else if (depth == 0 && i > 0 && (is_ident(name[i - 1]) || name[i - 1] == '>')) {
        return string_view(buf.data(), i);
      }
    }
    buf[i] = kLower[c];
  }
  return string_view(buf.data(), limit);
}

template <size_t N>
string_view lower_all(string_view name, std::array<char, N>& buf) {
  size_t n = 0;
  for (; n < name.size() && n < N; ++n) buf[n] = kLower[static_cast<unsigned char>(name[n])];
  return string_view(buf.data(), n);
}

template <size_t N>
bool is_one_of(string_view s, const std::array<string_view, N>& words) {
  for (string_view word : words) {
    if (s == word) return true;
  }
  return false;
}

// The kernel function's own identifier: the last name component before its template arguments.
string_view function_identifier(string_view sig) {
  size_t end = sig.find('<');
  if (end == string_view::npos) end = sig.size();
  size_t begin = end;
  while (begin > 0 && is_ident(sig[begin - 1])) --begin;
  return sig.substr(begin, end - begin);
}

// ---- keyword tables (lowercase) ----------------------------------------------------------------

// clang-format off
constexpr std::array<string_view, 15> kCommunicationKeys = {
    "nccl", "rccl", "msccl", "nvshmem", "userbuffers", "cross_device_reduce", "sendrecv",
    "allreduce", "all_reduce", "allgather", "all_gather", "reducescatter", "reduce_scatter",
    "alltoall", "all_to_all"};
// clang-format on

constexpr std::array<string_view, 8> kAttentionKeys = {
    "attention", "attn", "fmha", "flash", "sdpa", "xformers", "kvcache", "multihead"};

constexpr std::array<string_view, 10> kOptimizerKeys = {
    "optimizer", "foreach", "multi_tensor", "multitensor",      "sgd",
    "adagrad",   "rmsprop", "adadelta",     "amp_update_scale", "non_finite_check"};

constexpr std::array<string_view, 19> kNormalizationKeys = {
    "batch_norm",        "batchnorm", "bn_fw",         "bn_bw",        "layer_norm", "layernorm",
    "group_norm",        "groupnorm", "instance_norm", "instancenorm", "rms_norm",   "rmsnorm",
    "rowwisemoments",    "gammabeta", "ln_fwd",        "ln_bwd",       "norm_fwd",   "norm_bwd",
    "computefusedparams"};

constexpr std::array<string_view, 17> kConvolutionKeys = {
    "convol", "conv1d",  "conv2d",  "conv3d",     "conv_",           "depthwise",
    "fprop",  "dgrad",   "wgrad",   "winograd",   "implicit_gemm",   "im2col",
    "col2im", "vol2col", "col2vol", "cask_cudnn", "implicit_precomp"};

// CUTLASS only by its kernel wrappers and generated config names: "cutlass::half_t" as a template
// argument says nothing about the kernel.
// clang-format off
constexpr std::array<string_view, 17> kGemmKeys = {
    "gemm", "gemv", "splitkreduce", "cublas", "nvjet", "xmma", "matmul", "magma_", "wmma", "hmma",
    "cijk_", "epilogue::impl", "cutlass_", "cutlass::kernel", "cutlass::device_kernel",
    "cutlass::gemm", "cutlass::reduction"};
// clang-format on

constexpr std::array<string_view, 16> kReductionKeys = {
    "reduce",           "reduction",     "softmax", "logsumexp",
    "nll_loss",         "cross_entropy", "pool",    "adaptive_avg",
    "adaptive_average", "adaptive_max",  "topk",    "argmax",
    "argmin",           "welford",       "scan",    "cumsum"};

constexpr std::array<string_view, 41> kElementwiseKeys = {
    "elementwise",  "pointwise",  "vectorized", "unrolled",   "catarray",  "concat",
    "chunk_cat",    "nchwtonhwc", "nhwctonchw", "transpose",  "permute",   "copy",
    "fill",         "index",      "scatter",    "gather",     "embedding", "dropout",
    "masked",       "where",      "clamp",      "relu",       "gelu",      "silu",
    "swish",        "sigmoid",    "tanh",       "activation", "bias",      "cast",
    "convert",      "quantize",   "upsample",   "interpolat", "pad",       "rotary",
    "distribution", "philox",     "bernoulli",  "random",     "scale"};

// Op-name tables. Op names are short and structured ("aten::addmm", "nccl:all_reduce",
// "Optimizer.step#SGD.step", "autograd::engine::evaluate_function: MmBackward0").
constexpr std::array<string_view, 10> kOpCommunicationKeys = {
    "nccl",       "c10d",      "gloo",       "record_param_comms", "allreduce",
    "all_reduce", "allgather", "all_gather", "reduce_scatter",     "all_to_all"};

constexpr std::array<string_view, 7> kOpConvolutionKeys = {
    "convol", "conv1d", "conv2d", "conv3d", "conv_", "depthwise", "im2col"};

constexpr std::array<string_view, 3> kOpGemmKeys = {"gemm", "matmul", "mmbackward"};
constexpr std::array<string_view, 17> kOpGemmFunctions = {
    "mm",       "addmm", "bmm",  "baddbmm", "addbmm",    "matmul", "linear",    "addmv",
    "mv",       "dot",   "vdot", "einsum",  "scaled_mm", "int_mm", "tensordot", "addmm_activation",
    "multi_dot"};

constexpr std::array<string_view, 5> kOpReductionKeys = {"softmax", "pool", "nll_loss",
                                                         "cross_entropy", "logsumexp"};
constexpr std::array<string_view, 24> kOpReductionFunctions = {"sum",
                                                               "mean",
                                                               "amax",
                                                               "amin",
                                                               "max",
                                                               "min",
                                                               "argmax",
                                                               "argmin",
                                                               "prod",
                                                               "norm",
                                                               "linalg_vector_norm",
                                                               "var",
                                                               "std",
                                                               "var_mean",
                                                               "std_mean",
                                                               "cumsum",
                                                               "cumprod",
                                                               "topk",
                                                               "all",
                                                               "any",
                                                               "count_nonzero",
                                                               "nansum",
                                                               "aminmax",
                                                               "logcumsumexp"};

constexpr std::array<string_view, 9> kOpElementwiseKeys = {
    "embedding", "dropout", "copy", "fill", "index", "scatter", "gather", "elu", "pad"};
constexpr std::array<string_view, 34> kOpElementwiseFunctions = {"add",
                                                                 "sub",
                                                                 "mul",
                                                                 "div",
                                                                 "neg",
                                                                 "abs",
                                                                 "exp",
                                                                 "log",
                                                                 "pow",
                                                                 "sqrt",
                                                                 "rsqrt",
                                                                 "sigmoid",
                                                                 "tanh",
                                                                 "silu",
                                                                 "clamp",
                                                                 "clamp_min",
                                                                 "clamp_max",
                                                                 "where",
                                                                 "masked_fill",
                                                                 "zero",
                                                                 "clone",
                                                                 "cat",
                                                                 "stack",
                                                                 "to",
                                                                 "contiguous",
                                                                 "threshold",
                                                                 "threshold_backward",
                                                                 "lerp",
                                                                 "addcmul",
                                                                 "addcdiv",
                                                                 "sigmoid_backward",
                                                                 "tanh_backward",
                                                                 "silu_backward",
                                                                 "masked_scale"};

// ---- one-pass multi-keyword search -------------------------------------------------------------

// Keyword groups: a scan reports which groups occur anywhere in a name as one bit mask, and the
// rules then test bits in priority order.
enum class Group : uint8_t {
  kCommunication,
  kAttention,
  kOptimizer,
  kNormalization,
  kConvolution,
  kGemm,
  kReduction,
  kElementwise,
  kMemcpy,
  kMemset,
};

constexpr uint32_t bit(Group g) {
  return uint32_t{1} << static_cast<uint32_t>(g);
}

// Extra condition on the characters around a keyword occurrence.
enum class Guard : uint8_t {
  kNone,
  kNotBefore,        // guard_char must not precede it ("adam" but not "hadamard")
  kNotAfter,         // guard_char must not follow it ("lamb" but not "lambda")
  kAfterTypeLetter,  // preceded by a digit or s/h/d/i ("scudnn", "s1688cudnn", not "cudnn::")
};

struct KeyGroup {
  Group group;
  std::span<const string_view> texts;
  Guard guard = Guard::kNone;
  char guard_char = '\0';
};

// All keywords of a rule table, bucketed at compile time by a hash of their first two characters,
// so a scan costs one table probe per character of the name plus a compare for the few keywords
// in that bucket, instead of one substring search per keyword (~150 of them).
class KeySet {
 public:
  constexpr KeySet(std::initializer_list<KeyGroup> groups) {
    std::array<Key, kCapacity> unsorted{};
    size_t n = 0;
    for (const KeyGroup& g : groups) {
      for (string_view text : g.texts) {
        if (text.size() < 2 || n == kCapacity) {
          valid_ = false;
          continue;
        }
        unsorted[n++] = Key{text, g.group, g.guard, g.guard_char};
      }
    }
    for (size_t i = 0; i < n; ++i) ++starts_[bucket(unsorted[i].text[0], unsorted[i].text[1]) + 1];
    for (size_t b = 0; b < kBuckets; ++b) starts_[b + 1] += starts_[b];
    std::array<uint16_t, kBuckets> next{};
    for (size_t b = 0; b < kBuckets; ++b) next[b] = starts_[b];
    for (size_t i = 0; i < n; ++i) {
      keys_[next[bucket(unsorted[i].text[0], unsorted[i].text[1])]++] = unsorted[i];
    }
  }

  // False if a keyword was shorter than two characters or the table overflowed.
  constexpr bool valid() const { return valid_; }

  // Bit mask of the groups with a keyword occurring in `s` (already lowercase).
  uint32_t scan(string_view s) const {
    uint32_t found = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      size_t b = bucket(s[i], s[i + 1]);
      for (size_t k = starts_[b]; k < starts_[b + 1]; ++k) {
        const Key& key = keys_[k];
        // Buckets are shared by unrelated first-two-character pairs; reject those cheaply.
        if (key.text[0] != s[i] || key.text[1] != s[i + 1]) continue;
        if (matches_at(s, i, key.text) && guard_ok(s, i, key)) found |= bit(key.group);
      }
    }
    return found;
  }

 private:
  static constexpr size_t kCapacity = 192;
  static constexpr size_t kBuckets = 1024;

  struct Key {
    string_view text;
    Group group = Group::kCommunication;
    Guard guard = Guard::kNone;
    char guard_char = '\0';
  };

  static constexpr size_t bucket(char a, char b) {
    return ((static_cast<unsigned char>(a) * 33u) ^ static_cast<unsigned char>(b)) & (kBuckets - 1);
  }

  // `text` occurs at `pos`; its first two characters are already known to match. Keywords are
  // short, so an inline loop beats a call to memcmp.
  static bool matches_at(string_view s, size_t pos, string_view text) {
    if (text.size() > s.size() - pos) return false;
    for (size_t j = 2; j < text.size(); ++j) {
      if (s[pos + j] != text[j]) return false;
    }
    return true;
  }

  static bool guard_ok(string_view s, size_t pos, const Key& key) {
    char before = pos > 0 ? s[pos - 1] : '\0';
    size_t end = pos + key.text.size();
    char after = end < s.size() ? s[end] : '\0';
    switch (key.guard) {
      case Guard::kNone:
        return true;
      case Guard::kNotBefore:
        return before != key.guard_char;
      case Guard::kNotAfter:
        return after != key.guard_char;
      case Guard::kAfterTypeLetter:
        return (before >= '0' && before <= '9') || before == 's' || before == 'h' ||
               before == 'd' || before == 'i';
    }
    return false;
  }

  std::array<Key, kCapacity> keys_{};            // sorted by bucket
  std::array<uint16_t, kBuckets + 1> starts_{};  // keys_[starts_[b], starts_[b + 1]) in bucket b
  bool valid_ = true;
};

constexpr std::array<string_view, 1> kAdam = {"adam"};
constexpr std::array<string_view, 1> kLamb = {"lamb"};
constexpr std::array<string_view, 1> kArchCudnn = {"cudnn"};
constexpr std::array<string_view, 1> kMemcpyKeys = {"memcpy"};
constexpr std::array<string_view, 1> kMemsetKeys = {"memset"};

constexpr KeySet kKernelKeys = {
    {Group::kCommunication, kCommunicationKeys},
    {Group::kAttention, kAttentionKeys},
    {Group::kOptimizer, kOptimizerKeys},
    {Group::kOptimizer, kAdam, Guard::kNotBefore, 'h'},
    {Group::kOptimizer, kLamb, Guard::kNotAfter, 'd'},
    {Group::kNormalization, kNormalizationKeys},
    {Group::kConvolution, kConvolutionKeys},
    {Group::kConvolution, kArchCudnn, Guard::kAfterTypeLetter},
    {Group::kGemm, kGemmKeys},
    {Group::kReduction, kReductionKeys},
    {Group::kElementwise, kElementwiseKeys},
    {Group::kMemcpy, kMemcpyKeys},
    {Group::kMemset, kMemsetKeys},
};
static_assert(kKernelKeys.valid());

constexpr KeySet kOpKeys = {
    {Group::kCommunication, kOpCommunicationKeys},
    {Group::kAttention, kAttentionKeys},
    {Group::kOptimizer, kOptimizerKeys},
    {Group::kOptimizer, kAdam, Guard::kNotBefore, 'h'},
    {Group::kOptimizer, kLamb, Guard::kNotAfter, 'd'},
    {Group::kNormalization, kNormalizationKeys},
    {Group::kConvolution, kOpConvolutionKeys},
    {Group::kGemm, kOpGemmKeys},
    {Group::kReduction, kOpReductionKeys},
    {Group::kElementwise, kOpElementwiseKeys},
};
static_assert(kOpKeys.valid());

// ---- rules --------------------------------------------------------------------------------------

// How far the op name may refine a kernel-name match.
enum class Refine : uint8_t {
  kFinal,           // specific evidence in the kernel name; the op is ignored
  kComputeGeneric,  // generic GEMM engine: may become convolution/attention
  kMemoryGeneric,   // generic elementwise/reduction: may become optimizer/normalization
  kUnknown,         // nothing matched: the op decides
};

struct Match {
  KernelClass cls;
  Refine refine;
};

constexpr Match final_match(KernelClass k) {
  return {k, Refine::kFinal};
}

// Rule 0: runtime activity names rather than kernels; may start "[CUDA memcpy" (Nsight).
bool activity_class(string_view s, KernelClass* out) {
  if (s.starts_with('[')) s.remove_prefix(1);
  if (s.starts_with("cuda ")) s.remove_prefix(5);
  if (s.starts_with("memcpy")) {
    *out = KernelClass::kCopy;
    return true;
  }
  if (s.starts_with("memset")) {
    *out = KernelClass::kMemset;
    return true;
  }
  return false;
}

// Rule 1: TorchInductor names, "triton_" + kind + "_fused_" + origin ops + "_" + index.
Match classify_triton(string_view s, uint32_t groups) {
  string_view kind = s.substr(string_view("triton_").size());
  if (kind.starts_with("tem")) {
    if (groups & bit(Group::kAttention)) return final_match(KernelClass::kAttention);
    if (groups & bit(Group::kConvolution)) return final_match(KernelClass::kConvolution);
    return {KernelClass::kGemm, Refine::kComputeGeneric};
  }
  if (kind.starts_with("mm") || kind.starts_with("bmm") || kind.starts_with("addmm")) {
    return {KernelClass::kGemm, Refine::kComputeGeneric};
  }
  bool pointwise = kind.starts_with("poi");
  bool reduction = kind.starts_with("red") || kind.starts_with("per");
  bool foreach_kernel = kind.starts_with("for");
  if (!pointwise && !reduction && !foreach_kernel) return {KernelClass::kOther, Refine::kUnknown};
  if (groups & bit(Group::kNormalization)) return final_match(KernelClass::kNormalization);
  if (foreach_kernel || (groups & bit(Group::kOptimizer))) {
    return final_match(KernelClass::kOptimizer);
  }
  return {pointwise ? KernelClass::kElementwise : KernelClass::kReduction, Refine::kMemoryGeneric};
}

Match classify_by_name(string_view s) {
  KernelClass activity = KernelClass::kOther;
  if (activity_class(s, &activity)) return final_match(activity);
  if (s.starts_with("triton_")) return classify_triton(s, kKernelKeys.scan(s));

  string_view fn = function_identifier(s);
  if (fn.find("elementwise") != string_view::npos) {
    return {KernelClass::kElementwise, Refine::kMemoryGeneric};
  }
  if (fn == "reduce_kernel") return {KernelClass::kReduction, Refine::kMemoryGeneric};

  uint32_t groups = kKernelKeys.scan(s);
  if (groups & bit(Group::kCommunication)) return final_match(KernelClass::kCommunication);
  if (groups & bit(Group::kAttention)) return final_match(KernelClass::kAttention);
  if (groups & bit(Group::kOptimizer)) return final_match(KernelClass::kOptimizer);
  if (groups & bit(Group::kNormalization)) return final_match(KernelClass::kNormalization);
  if (groups & bit(Group::kConvolution)) return final_match(KernelClass::kConvolution);
  if (groups & bit(Group::kGemm)) return {KernelClass::kGemm, Refine::kComputeGeneric};
  if (groups & bit(Group::kReduction)) return {KernelClass::kReduction, Refine::kMemoryGeneric};
  if (groups & bit(Group::kElementwise)) {
    return {KernelClass::kElementwise, Refine::kMemoryGeneric};
  }
  if (groups & bit(Group::kMemcpy)) return final_match(KernelClass::kCopy);
  if (groups & bit(Group::kMemset)) return final_match(KernelClass::kMemset);
  return {KernelClass::kOther, Refine::kUnknown};
}

// "aten::_scaled_mm.default" -> "scaled_mm", "aten::add_" -> "add": the bare function name.
string_view op_function(string_view op) {
  size_t colons = op.rfind("::");
  if (colons != string_view::npos) op.remove_prefix(colons + 2);
  size_t dot = op.find('.');
  if (dot != string_view::npos) op = op.substr(0, dot);
  while (op.starts_with('_')) op.remove_prefix(1);
  while (op.ends_with('_')) op.remove_suffix(1);
  return op;
}

KernelClass classify_op(string_view op_name) {
  std::array<char, kMaxOpChars> buf;
  string_view op = lower_all(op_name, buf);
  uint32_t groups = kOpKeys.scan(op);
  if (groups & bit(Group::kCommunication)) return KernelClass::kCommunication;
  if (groups & bit(Group::kAttention)) return KernelClass::kAttention;
  if (groups & bit(Group::kOptimizer)) return KernelClass::kOptimizer;
  if (groups & bit(Group::kNormalization)) return KernelClass::kNormalization;
  if (groups & bit(Group::kConvolution)) return KernelClass::kConvolution;
  string_view fn = op_function(op);
  if ((groups & bit(Group::kGemm)) || is_one_of(fn, kOpGemmFunctions)) return KernelClass::kGemm;
  if ((groups & bit(Group::kReduction)) || is_one_of(fn, kOpReductionFunctions)) {
    return KernelClass::kReduction;
  }
  if ((groups & bit(Group::kElementwise)) || is_one_of(fn, kOpElementwiseFunctions)) {
    return KernelClass::kElementwise;
  }
  return KernelClass::kOther;
}

}  // namespace

std::string_view kernel_class_name(KernelClass k) {
  switch (k) {
    case KernelClass::kGemm:
      return "gemm";
    case KernelClass::kConvolution:
      return "convolution";
    case KernelClass::kAttention:
      return "attention";
    case KernelClass::kElementwise:
      return "elementwise";
    case KernelClass::kReduction:
      return "reduction";
    case KernelClass::kNormalization:
      return "normalization";
    case KernelClass::kOptimizer:
      return "optimizer";
    case KernelClass::kCommunication:
      return "communication";
    case KernelClass::kCopy:
      return "copy";
    case KernelClass::kMemset:
      return "memset";
    case KernelClass::kOther:
      return "other";
  }
  return "other";
}

KernelClass classify_kernel(std::string_view kernel_name, std::string_view op_name) {
  std::array<char, kMaxKernelChars> buf;
  Match m = classify_by_name(lower_signature(kernel_name, buf));
  if (m.refine == Refine::kFinal || op_name.empty()) return m.cls;
  KernelClass op = classify_op(op_name);
  switch (m.refine) {
    case Refine::kComputeGeneric:
      return (op == KernelClass::kConvolution || op == KernelClass::kAttention) ? op : m.cls;
    case Refine::kMemoryGeneric:
      return (op == KernelClass::kOptimizer || op == KernelClass::kNormalization) ? op : m.cls;
    case Refine::kUnknown:
      return op;
    case Refine::kFinal:
      break;
  }
  return m.cls;
}

bool is_compute_bound(KernelClass k) {
  return k == KernelClass::kGemm || k == KernelClass::kConvolution || k == KernelClass::kAttention;
}

}  // namespace dd
