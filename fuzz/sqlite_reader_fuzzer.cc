// libFuzzer target: the SQLite trace reader (daydream and nsys flavours) on arbitrary bytes
// written as a database file, followed by the Trace post-pass. Seeds are small daydream
// traces, so mutations reach the table reading (wrong types, NULLs, dangling ids) and not
// only SQLite's own header checks.
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return dd::fuzz::verdict(
      dd::fuzz::check_sqlite_file(dd::fuzz::write_input(data, size, ".sqlite")));
}
