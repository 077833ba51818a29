// StringPool: interns every name in a trace (kernels, ops, layers) once and hands out dense
// 32-bit ids, so tables store 4 bytes per name and compare names by id.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dd {

using StringId = uint32_t;
inline constexpr StringId kEmptyString = 0;  // id of "" in every pool

class StringPool {
 public:
  StringPool();
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&&) noexcept = default;
  StringPool& operator=(StringPool&&) noexcept = default;

  StringId intern(std::string_view text);
  // Id of `text` if it was interned before; kEmptyString otherwise (and for "").
  StringId find(std::string_view text) const;
  std::string_view get(StringId id) const { return views_[id]; }
  size_t size() const { return views_.size(); }
  size_t memory_bytes() const;

 private:
  std::string_view store(std::string_view text);

  std::vector<std::unique_ptr<char[]>> chunks_;  // stable storage; never reallocated
  size_t chunk_used_ = 0;
  size_t chunk_capacity_ = 0;
  std::vector<std::string_view> views_;
  std::unordered_map<std::string_view, StringId> index_;
};

}  // namespace dd
