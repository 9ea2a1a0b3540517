#include "candar/detail/thread_shards.hpp"

#include <array>
#include <atomic>

namespace candar::detail {

namespace {
std::atomic<std::uint64_t> next_set_id{1};

// Direct-mapped: a collision only costs the slow path (the set's registry), never a wrong answer.
struct cache_entry {
  std::uint64_t set_id = 0;
  void* shard = nullptr;
};
constexpr std::size_t cache_size = 16;
thread_local std::array<cache_entry, cache_size> cache{};
}  // namespace

std::uint64_t new_shard_set_id() noexcept { return next_set_id.fetch_add(1, std::memory_order_relaxed); }

void* cached_shard(std::uint64_t set_id) noexcept {
  auto const& e = cache[set_id % cache_size];
  return e.set_id == set_id ? e.shard : nullptr;
}

void cache_shard(std::uint64_t set_id, void* shard) noexcept { cache[set_id % cache_size] = {set_id, shard}; }

}  // namespace candar::detail
