// Test helpers for the Kineto importer tests: writing hand-made JSON (plain or gzip) to scratch
// files, and importing one or more files into a Trace the way the loader does (a fresh
// TraceBuilder per file, finish_trace once at the end).
#pragma once

#include <zlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "collector/kineto/kineto_importer.h"
#include "collector/sqlite_fixture.h"
#include "collector/trace/trace_builder.h"

namespace dd::test {

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

inline void write_gzip(const std::string& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  if (!text.empty()) REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) > 0);
  REQUIRE(gzclose(file) == Z_OK);
}

// The inflated text of a gzip file, read with zlib's gz* functions (independently of the
// importer's own inflating).
inline std::string gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  REQUIRE(file != nullptr);
  std::string text;
  char chunk[65536];
  int n = 0;
  while ((n = gzread(file, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<size_t>(n));
  gzclose(file);
  return text;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Imports `paths` into one Trace (one builder per file) and runs the post-pass.
inline Trace import_files(const std::vector<std::string>& paths) {
  Trace trace;
  for (const std::string& path : paths) {
    TraceBuilder builder(trace);
    auto imported = import_kineto_file(path, builder);
    INFO(path);
    REQUIRE(imported);
  }
  finish_trace(trace);
  return trace;
}

// Writes `json` to a scratch file and imports it.
inline Trace import_json(const std::string& json) {
  ScratchFile file(".json");
  write_text(file.path(), json);
  return import_files({file.path()});
}

}  // namespace dd::test
