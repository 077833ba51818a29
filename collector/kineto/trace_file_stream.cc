// Piecewise reading of a trace file with transparent gzip inflation (zlib). A plain file is read
// straight into the caller's buffer (after the first chunk, read to look for the gzip magic); a
// gzip file in chunks of kChunk bytes (or the whole file when it is smaller) into one buffer
// allocated once, each inflated into the caller's buffer as it asks. Damaged gzip data ends the
// text where the damage begins.
#include "collector/kineto/trace_file_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace dd {

namespace {

constexpr size_t kChunk = size_t{1} << 20;    // bytes read from disk at a time
constexpr size_t kZlibMax = size_t{1} << 30;  // zlib counts bytes in 32-bit fields

bool starts_like_gzip(const char* bytes, size_t size) {
  return size >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

}  // namespace

TraceFileStream::TraceFileStream(std::string path, Progress* progress)
    : path_(std::move(path)), progress_sink_(progress) {}

TraceFileStream::~TraceFileStream() {
  if (zlib_) inflateEnd(zlib_.get());
}

Result<void> TraceFileStream::open() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path_, ec);
  if (!fs::exists(status)) return io_error(path_ + ": no such file");
  if (fs::is_directory(status)) return bad_input(path_ + ": is a directory, not a trace file");
  if (!fs::is_regular_file(status)) return bad_input(path_ + ": not a regular file");
  file_.reset(std::fopen(path_.c_str(), "rb"));
  if (!file_) return io_error(path_ + ": cannot open: " + std::strerror(errno));
  uintmax_t size = fs::file_size(path_, ec);
  if (ec) return io_error(path_ + ": cannot read: " + ec.message());
  progress_.emplace(progress_sink_, "reading " + path_, size, ProgressUnit::kBytes, 0);
  raw_.resize(static_cast<size_t>(std::clamp<uintmax_t>(size, 2, kChunk)));
  auto got = refill_raw();
  if (!got) return std::unexpected(got.error());
  gzip_ = starts_like_gzip(raw_.data(), raw_end_);
  if (gzip_) {
    zlib_ = std::make_unique<z_stream>();
    if (inflateInit2(zlib_.get(), 16 + MAX_WBITS) != Z_OK) {
      zlib_.reset();
      return io_error(path_ + ": cannot start zlib");
    }
  }
  return {};
}

Result<size_t> TraceFileStream::read(char* out, size_t size) {
  if (finished_ || size == 0) return 0;
  if (gzip_) return inflate_some(out, size);
  size_t n = std::min(size, raw_end_ - raw_pos_);
  if (n > 0) {  // what open() read to look for the gzip magic
    std::memcpy(out, raw_.data() + raw_pos_, n);
    raw_pos_ += n;
  } else {  // then straight from the file into the caller's buffer
    auto got = read_file(out, size);
    if (!got) return std::unexpected(got.error());
    if (*got == 0) return end_of_text();
    n = *got;
  }
  text_bytes_ += n;
  return n;
}

Result<size_t> TraceFileStream::inflate_some(char* out, size_t size) {
  for (;;) {
    if (raw_pos_ == raw_end_) {
      auto got = refill_raw();
      if (!got) return std::unexpected(got.error());
      if (!*got) {
        if (member_ended_) return end_of_text();
        return damaged("truncated gzip data (the file ends mid-stream)", 0);
      }
    }
    if (member_ended_) {  // concatenated gzip members
      inflateReset(zlib_.get());
      member_ended_ = false;
    }
    z_stream& zs = *zlib_;
    zs.next_in = reinterpret_cast<Bytef*>(raw_.data() + raw_pos_);
    zs.avail_in = static_cast<uInt>(raw_end_ - raw_pos_);
    zs.next_out = reinterpret_cast<Bytef*>(out);
    zs.avail_out = static_cast<uInt>(std::min(size, kZlibMax));
    uInt avail_in = zs.avail_in;
    uInt avail_out = zs.avail_out;
    int status = inflate(&zs, Z_NO_FLUSH);
    raw_pos_ += avail_in - zs.avail_in;
    size_t produced = avail_out - zs.avail_out;
    if (status == Z_STREAM_END) {
      member_ended_ = true;
    } else if (status == Z_MEM_ERROR) {
      return io_error(path_ + ": out of memory while decompressing");
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      return damaged(std::string("corrupt gzip data: ") + (zs.msg ? zs.msg : "unknown error"),
                     produced);
    }
    if (produced > 0) {
      text_bytes_ += produced;
      return produced;
    }
  }
}

Result<bool> TraceFileStream::refill_raw() {
  auto got = read_file(raw_.data(), raw_.size());
  if (!got) return std::unexpected(got.error());
  raw_end_ = *got;
  raw_pos_ = 0;
  return *got > 0;
}

Result<size_t> TraceFileStream::read_file(char* to, size_t size) {
  size_t n = std::fread(to, 1, size, file_.get());
  if (n == 0 && std::ferror(file_.get())) {
    return io_error(path_ + ": cannot read: " + std::strerror(errno));
  }
  file_bytes_read_ += n;
  if (n > 0) progress_->update(file_bytes_read_);
  return n;
}

// The text ends at the damage, after the `produced` bytes this call inflated before it; the
// reader decides what a text cut there is worth. No text at all is an error.
Result<size_t> TraceFileStream::damaged(std::string what, size_t produced) {
  finished_ = true;
  text_bytes_ += produced;
  if (text_bytes_ == 0) return bad_input(path_ + ": " + what);
  damage_ = std::move(what);
  return produced;
}

Result<size_t> TraceFileStream::end_of_text() {
  finished_ = true;
  if (text_bytes_ == 0) {
    return bad_input(path_ + ": empty file" + (gzip_ ? " (after decompression)" : ""));
  }
  return 0;
}

}  // namespace dd
