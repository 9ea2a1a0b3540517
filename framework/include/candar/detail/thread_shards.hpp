#pragma once
// One T per thread that writes, merged by readers. A writer locks only its own shard's mutex, which no other
// writer ever takes (readers take it briefly while merging), so adds from many threads do not contend.
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace candar::detail {

// A thread-local cache from a shard set's id to this thread's shard in it. Ids are never reused, so a stale
// entry for a destroyed set can never be mistaken for a live one.
std::uint64_t new_shard_set_id() noexcept;
void* cached_shard(std::uint64_t set_id) noexcept;
void cache_shard(std::uint64_t set_id, void* shard) noexcept;

template <class T>
class thread_shards {
 public:
  thread_shards() = default;
  thread_shards(thread_shards const&) = delete;
  thread_shards& operator=(thread_shards const&) = delete;

  // Runs f(T&) on the calling thread's shard.
  template <class F>
  decltype(auto) with_local(F&& f) {
    shard& s = local();
    std::lock_guard lock(s.mutex);
    return std::forward<F>(f)(s.value);
  }

  // Runs f(T const&) on every shard in turn.
  template <class F>
  void for_each(F&& f) const {
    std::lock_guard registry(registry_mutex_);
    for (auto const& s : shards_) {
      std::lock_guard lock(s->mutex);
      f(std::as_const(s->value));
    }
  }

  // Runs f(T&) on every shard in turn (e.g. to clear them).
  template <class F>
  void for_each_mutable(F&& f) {
    std::lock_guard registry(registry_mutex_);
    for (auto& s : shards_) {
      std::lock_guard lock(s->mutex);
      f(s->value);
    }
  }

 private:
  struct shard {
    std::thread::id owner;
    mutable std::mutex mutex;
    T value{};
  };

  shard& local() {
    if (void* cached = cached_shard(id_)) return *static_cast<shard*>(cached);
    auto const me = std::this_thread::get_id();
    std::lock_guard registry(registry_mutex_);
    shard* found = nullptr;
    for (auto& s : shards_) {
      // A thread id may be reused by a new thread once the old one has ended: the shard is then simply shared
      // over time, never at once.
      if (s->owner == me) found = s.get();
    }
    if (found == nullptr) {
      shards_.push_back(std::make_unique<shard>());
      found = shards_.back().get();
      found->owner = me;
    }
    cache_shard(id_, found);
    return *found;
  }

  std::uint64_t const id_ = new_shard_set_id();
  mutable std::mutex registry_mutex_;
  std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace candar::detail
