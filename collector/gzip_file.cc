// Whole-file reading with transparent gzip inflation (zlib), for the JSON importers.
#include "collector/gzip_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace dd {

namespace {

constexpr size_t kZlibChunk = size_t{1} << 30;  // zlib counts bytes in 32-bit fields
constexpr size_t kProgressStep = size_t{1} << 23;  // bytes read or inflated per progress report
constexpr size_t kMaxExpansionGuess = 64;       // first output buffer: at most 64x the input

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

bool is_gzip(const std::vector<char>& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string too_large(const std::string& path, size_t max_size, std::string_view what) {
  return path + ": " + std::string(what) + " more than " + std::to_string(max_size) +
         " bytes, the most daydream can parse in one piece (simdjson's limit; 4 GiB)";
}

// Reads the file as it is on disk, reserving `spare` more bytes so that padding it later does
// not copy it.
Result<std::vector<char>> read_raw(const std::string& path, size_t spare, size_t max_size,
                                   Progress* progress) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return io_error(path + ": no such file");
  if (fs::is_directory(status)) return bad_input(path + ": is a directory, not a trace file");
  if (!fs::is_regular_file(status)) return bad_input(path + ": not a regular file");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return io_error(path + ": cannot open: " + std::strerror(errno));
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return io_error(path + ": cannot read: " + ec.message());
  if (size > max_size) return bad_input(too_large(path, max_size, "the file holds"));
  std::vector<char> bytes;
  bytes.reserve(static_cast<size_t>(size) + spare);
  bytes.resize(static_cast<size_t>(size));
  ProgressStage stage(progress, "reading " + path, bytes.size(), ProgressUnit::kBytes, 0);
  size_t got = 0;
  while (got < bytes.size()) {
    size_t n = std::fread(bytes.data() + got, 1, std::min(kProgressStep, bytes.size() - got),
                          file.get());
    if (n == 0) break;
    got += n;
    stage.update(got);
  }
  if (std::ferror(file.get())) return io_error(path + ": cannot read: " + std::strerror(errno));
  if (got == 0) return bad_input(path + ": empty file");
  bytes.resize(got);
  return bytes;
}

// The uncompressed size the gzip trailer announces (modulo 4 GiB), bounded to a sane guess.
size_t output_size_guess(const std::vector<char>& compressed) {
  if (compressed.size() < 4) return compressed.size();
  const auto* tail =
      reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
  size_t announced =
      tail[0] | (size_t{tail[1]} << 8) | (size_t{tail[2]} << 16) | (size_t{tail[3]} << 24);
  return std::clamp(announced, compressed.size(), compressed.size() * kMaxExpansionGuess);
}

Result<FileText> inflate_gzip(const std::string& path, const std::vector<char>& in,
                              size_t padding, size_t max_size, Progress* progress) {
  ProgressStage stage(progress, "decompressing " + path, in.size(), ProgressUnit::kBytes, 0);
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return io_error(path + ": cannot start zlib");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  FileText out;
  // Never more than one byte past the limit: reaching it is what tells the file is too large.
  size_t capacity = std::min(output_size_guess(in), max_size + 1);
  out.buffer.resize(capacity + padding);
  size_t in_pos = 0;
  for (;;) {
    if (out.size == capacity) {
      capacity = std::min(capacity * 2, max_size + 1);
      out.buffer.resize(capacity + padding);
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
    zs.avail_in = static_cast<uInt>(std::min(in.size() - in_pos, kProgressStep));
    zs.next_out = reinterpret_cast<Bytef*>(out.buffer.data() + out.size);
    zs.avail_out = static_cast<uInt>(std::min(out.buffer.size() - padding - out.size, kZlibChunk));
    uInt avail_in = zs.avail_in;
    uInt avail_out = zs.avail_out;
    int status = inflate(&zs, Z_NO_FLUSH);
    in_pos += avail_in - zs.avail_in;
    out.size += avail_out - zs.avail_out;
    if (out.size > max_size) return bad_input(too_large(path, max_size, "decompresses to"));
    stage.update(in_pos);
    if (status == Z_STREAM_END) {
      if (in_pos == in.size()) break;
      inflateReset(&zs);  // concatenated gzip members
    } else if (status == Z_BUF_ERROR && in_pos == in.size()) {
      return bad_input(path + ": truncated gzip data (the file ends mid-stream)");
    } else if (status == Z_MEM_ERROR) {
      return io_error(path + ": out of memory while decompressing");
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      return bad_input(path + ": corrupt gzip data: " + (zs.msg ? zs.msg : "unknown error"));
    }
  }
  if (out.size == 0) return bad_input(path + ": empty file (after decompression)");
  out.buffer.resize(out.size + padding);
  return out;
}

}  // namespace

Result<FileText> read_maybe_gzip_file(const std::string& path, size_t padding, size_t max_size,
                                      Progress* progress) {
  auto raw = read_raw(path, padding, max_size, progress);
  if (!raw) return std::unexpected(raw.error());
  if (is_gzip(*raw)) return inflate_gzip(path, *raw, padding, max_size, progress);
  FileText text;
  text.size = raw->size();
  raw->resize(text.size + padding);
  text.buffer = std::move(*raw);
  return text;
}

}  // namespace dd
