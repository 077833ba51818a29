// StringPool implementation: strings live in large append-only chunks so views stay valid.
#include "collector/trace/string_pool.h"

#include <algorithm>
#include <cstring>

namespace dd {

namespace {
constexpr size_t kChunkBytes = 1 << 16;
}

StringPool::StringPool() {
  views_.push_back(std::string_view());
  index_.emplace(std::string_view(), kEmptyString);
}

std::string_view StringPool::store(std::string_view text) {
  if (text.size() > chunk_capacity_ - chunk_used_) {
    size_t capacity = std::max(kChunkBytes, text.size());
    chunks_.push_back(std::make_unique<char[]>(capacity));
    chunk_capacity_ = capacity;
    chunk_used_ = 0;
  }
  char* dest = chunks_.back().get() + chunk_used_;
  std::memcpy(dest, text.data(), text.size());
  chunk_used_ += text.size();
  return std::string_view(dest, text.size());
}

StringId StringPool::intern(std::string_view text) {
  if (auto it = index_.find(text); it != index_.end()) return it->second;
  std::string_view stored = store(text);
  auto id = static_cast<StringId>(views_.size());
  views_.push_back(stored);
  index_.emplace(stored, id);
  return id;
}

StringId StringPool::find(std::string_view text) const {
  auto it = index_.find(text);
  return it == index_.end() ? kEmptyString : it->second;
}

size_t StringPool::memory_bytes() const {
  size_t bytes = chunks_.size() * kChunkBytes + views_.capacity() * sizeof(std::string_view);
  bytes += index_.size() * (sizeof(std::string_view) + sizeof(StringId) + 2 * sizeof(void*));
  return bytes;
}

}  // namespace dd
