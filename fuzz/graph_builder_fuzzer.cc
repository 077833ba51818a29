// libFuzzer target: the whole replay pipeline on an arbitrary trace file (Kineto JSON or
// SQLite, told apart by content as the CLI does): load, build the dependency graph, simulate
// it, and compute what `replay`, `breakdown` and `memory` print. Besides the sanitizers it checks
// that every live task ran (a dependency cycle must be broken, never hang or drop work) and that no
// task ends before it starts (fuzz_checks.h).
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return dd::fuzz::verdict(
      dd::fuzz::check_pipeline_file(dd::fuzz::write_input(data, size, ".trace")));
}
