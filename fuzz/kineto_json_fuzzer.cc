// libFuzzer target: the Kineto (PyTorch profiler) JSON importer on arbitrary bytes, followed by
// the Trace post-pass. Any outcome but a Trace or one clear error naming the file — a crash, a
// sanitizer report, a hang, an error without the file name, an outcome that depends on the
// streaming window — is a finding (fuzz_checks.h).
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return dd::fuzz::verdict(dd::fuzz::check_kineto_file(dd::fuzz::write_input(data, size, ".json")));
}
