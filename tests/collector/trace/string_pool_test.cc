// StringPool: interning is idempotent, ids are dense, views survive growth.
#include <catch2/catch.hpp>
#include <string>

#include "collector/trace/string_pool.h"

TEST_CASE("StringPool interns each string once with dense ids", "[collector][strings]") {
  dd::StringPool pool;
  REQUIRE(pool.get(dd::kEmptyString).empty());
  dd::StringId a = pool.intern("gemm");
  dd::StringId b = pool.intern("relu");
  CHECK(a == 1);
  CHECK(b == 2);
  CHECK(pool.intern("gemm") == a);
  CHECK(pool.find("relu") == b);
  CHECK(pool.find("missing") == dd::kEmptyString);
  CHECK(pool.intern("") == dd::kEmptyString);
}

TEST_CASE("StringPool views stay valid while the pool grows", "[collector][strings]") {
  dd::StringPool pool;
  dd::StringId first = pool.intern("first");
  std::string_view view = pool.get(first);
  for (int i = 0; i < 20000; ++i) pool.intern("name_" + std::to_string(i));
  std::string big(100000, 'x');  // larger than one chunk
  dd::StringId big_id = pool.intern(big);
  CHECK(view == "first");
  CHECK(pool.get(big_id) == big);
  CHECK(pool.size() == 20000 + 3);
}
