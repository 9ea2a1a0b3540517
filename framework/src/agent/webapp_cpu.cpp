#include "webapp_cpu.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

namespace candar::detail {

namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

// Per thread: the time of its closed scopes, and when its open outermost scope began (0: none). A sampler
// reads an open scope's time so far: one parse of seconds is charged to the seconds it takes, not all at once
// to the second it ends (which left the seconds before it looking like the benchmarker's own saturation).
struct alignas(64) thread_slot {
  std::atomic<std::int64_t> closed_ns{0};
  std::atomic<std::int64_t> open_since_ns{0};
};
constexpr std::size_t max_slots = 256;
std::array<thread_slot, max_slots> slots;
std::atomic<std::size_t> slots_used{0};

std::atomic<std::int64_t> overflow_closed_ns{0};  // threads past max_slots: seen once closed

thread_slot* my_slot() noexcept {
  thread_local thread_slot* const slot = [] {
    auto const i = slots_used.fetch_add(1, std::memory_order_relaxed);
    return i < max_slots ? &slots[i] : nullptr;
  }();
  return slot;
}

// Scopes nest (a document's parse inside its construction): only the outermost one counts.
thread_local int depth = 0;

}  // namespace

double webapp_cpu_seconds() noexcept {
  auto const used = std::min(slots_used.load(std::memory_order_relaxed), max_slots);
  auto const now = now_ns();
  std::int64_t total = overflow_closed_ns.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < used; ++i) {
    total += slots[i].closed_ns.load(std::memory_order_relaxed);
    if (auto const since = slots[i].open_since_ns.load(std::memory_order_relaxed); since != 0) total += now - since;
  }
  return static_cast<double>(total) / 1e9;
}

webapp_cpu_scope::webapp_cpu_scope() noexcept : started_(clock_type::now()) {
  if (depth++ > 0) return;
  if (auto* s = my_slot()) {
    s->open_since_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(started_.time_since_epoch()).count(),
                           std::memory_order_relaxed);
  }
}

webapp_cpu_scope::~webapp_cpu_scope() {
  if (--depth > 0) return;
  auto const spent = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - started_).count();
  auto* s = my_slot();
  if (s == nullptr) {
    overflow_closed_ns.fetch_add(spent, std::memory_order_relaxed);
    return;
  }
  // Closed first, then no longer open: a reader in between counts the scope twice, for a moment.
  s->closed_ns.fetch_add(spent, std::memory_order_relaxed);
  s->open_since_ns.store(0, std::memory_order_relaxed);
}

}  // namespace candar::detail
