// libFuzzer target: `--apply NAME[:k=v,...]` parsing and the what-if models with whatever
// parameters parse. The input is one or more --apply texts, one per line; those that parse are
// applied in order to a copy of a small real graph (fuzz/apply_graph.json, built once), which
// is then simulated and compared as `daydream whatif` does. A model that rejects its
// parameters must do it with an error, never crash, loop or leave a negative duration.
#include <string_view>

#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view texts(reinterpret_cast<const char*>(data), size);
  return dd::fuzz::verdict(dd::fuzz::check_apply_texts(texts, DD_FUZZ_APPLY_TRACE));
}
