// The importers read files by path, so each fuzz input is written to one scratch file per
// fuzzer process (on /dev/shm where it exists), removed when the process exits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dd::fuzz {

// Writes the input to this process's scratch file with the given suffix and returns its path.
const std::string& write_input(const uint8_t* data, size_t size, const std::string& suffix);

// The libFuzzer verdict on a check's answer (fuzz_checks.h): a broken contract is printed and
// trapped, which libFuzzer reports as a crash with the input that caused it.
int verdict(const std::string& broken);

}  // namespace dd::fuzz
