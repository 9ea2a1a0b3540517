#include "isuchair/rules.hpp"

namespace isuchair::rules {

std::int64_t gacha_item(std::int64_t user_id, std::int64_t draw, std::int64_t item_count) noexcept {
  if (item_count <= 0) return 0;
  // splitmix64 of the pair: the same on every platform, unlike std::uniform_int_distribution.
  auto x = static_cast<std::uint64_t>(user_id) * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(draw);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return static_cast<std::int64_t>(x % static_cast<std::uint64_t>(item_count)) + 1;
}

}  // namespace isuchair::rules
