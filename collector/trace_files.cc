// Format detection from the first bytes of a file (inflated, for gzip), archive and report
// recognition, and the expansion of directories into their trace files.
#include "collector/trace_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "collector/kineto/trace_file_stream.h"

namespace dd {

namespace {

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};
constexpr size_t kHeadBytes = 512;          // one tar header block
constexpr size_t kTarMagicOffset = 257;     // POSIX ustar and GNU tar headers
constexpr std::string_view kTarMagic = "ustar";

// A container or compressed file that is not itself a trace, and how to unpack it.
struct Packed {
  std::string_view magic;
  std::string_view what;
  std::string_view unpack;  // the command, given the file's path after it
};

constexpr std::array<Packed, 6> kPacked{{
    {{"PK\x03\x04", 4}, "zip archive", "unzip"},
    {{"PK\x05\x06", 4}, "zip archive (empty)", "unzip"},
    {"BZh", "bzip2-compressed file", "tar -xjf (a tar archive) or bunzip2 -k"},
    {{"\xFD" "7zXZ\0", 6}, "xz-compressed file", "tar -xJf (a tar archive) or unxz -k"},
    {{"\x28\xB5\x2F\xFD", 4}, "zstd-compressed file", "tar --zstd -xf (a tar archive) or unzstd"},
    {{"7z\xBC\xAF\x27\x1C", 6}, "7-Zip archive", "7z x"},
}};

bool is_tar(std::string_view head) {
  return head.size() >= kTarMagicOffset + kTarMagic.size() &&
         head.substr(kTarMagicOffset, kTarMagic.size()) == kTarMagic;
}

std::unexpected<Error> packed_error(const std::string& path, std::string_view what,
                                    std::string_view unpack) {
  return bad_input(path + ": a " + std::string(what) + ", not a trace: extract it first (" +
                   std::string(unpack) + " " + path +
                   ") and give daydream the trace files it holds, or the directory they are in");
}

// The first bytes of a gzip file's text; empty when they cannot be inflated (the importer then
// says why).
std::string gzip_head(const std::string& path) {
  TraceFileStream stream(path);
  if (!stream.open()) return {};
  std::string head(kHeadBytes, '\0');
  size_t got = 0;
  while (got < head.size()) {
    auto n = stream.read(head.data() + got, head.size() - got);
    if (!n || *n == 0) break;
    got += *n;
  }
  head.resize(got);
  return head;
}

bool is_gzip(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

bool has_suffix(const std::string& path, std::initializer_list<std::string_view> suffixes) {
  return std::ranges::any_of(suffixes, [&](std::string_view s) { return path.ends_with(s); });
}

bool is_trace_file_name(const std::string& name) {
  return has_suffix(name, {".json", ".json.gz", ".sqlite"});
}

}  // namespace

Result<FileFormat> detect_file_format(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return io_error(path + ": no such file");
  if (std::filesystem::is_directory(status)) return bad_input(path + ": is a directory, not a trace file");
  if (!std::filesystem::is_regular_file(status)) return bad_input(path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": cannot be opened for reading");
  std::array<char, kHeadBytes> head{};
  in.read(head.data(), head.size());
  auto got = static_cast<size_t>(in.gcount());
  if (got == 0) return bad_input(path + ": file is empty");
  std::string_view text(head.data(), got);
  if (text.starts_with(kSqliteMagic)) return FileFormat::kSqlite;
  if (is_gzip(text)) {
    if (is_tar(gzip_head(path))) return packed_error(path, "gzip-compressed tar archive", "tar -xzf");
    return FileFormat::kKinetoJson;  // gzip: Kineto .json.gz
  }
  for (const Packed& packed : kPacked) {
    if (text.starts_with(packed.magic)) return packed_error(path, packed.what, packed.unpack);
  }
  if (is_tar(text)) return packed_error(path, "tar archive", "tar -xf");
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    return FileFormat::kKinetoJson;
  }
  if (first == std::string_view::npos && got < head.size()) {
    return bad_input(path + ": file holds only whitespace");
  }
  if (has_suffix(path, {".nsys-rep", ".qdrep"})) {
    return bad_input(path + ": an Nsight Systems report, which daydream reads once exported to "
                     "SQLite: nsys export --type sqlite " + path);
  }
  return bad_input(path +
                   ": not a supported trace (expected PyTorch profiler JSON, .json.gz, "
                   "an Nsight Systems SQLite export or a daydream SQLite trace)");
}

Result<std::vector<std::string>> expand_trace_paths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
      std::error_code entry_ec;
      if (entry.is_regular_file(entry_ec) && is_trace_file_name(entry.path().filename())) {
        inside.push_back(entry.path().string());
      }
    }
    if (ec) return io_error(path + ": cannot list the directory: " + ec.message());
    if (inside.empty()) {
      return bad_input(path + ": a directory with no trace files in it (daydream loads the "
                       "*.json, *.json.gz and *.sqlite files directly in a directory, as the "
                       "ranks of one job; subdirectories are not searched)");
    }
    std::ranges::sort(inside);
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return files;
}

}  // namespace dd
