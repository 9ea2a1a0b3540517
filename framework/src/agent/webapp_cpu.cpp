#include "webapp_cpu.hpp"

#include <atomic>
#include <cstdint>

namespace candar::detail {

namespace {
// One add per page parsed or body decoded: rare next to the requests themselves.
std::atomic<std::int64_t> total_ns{0};
}  // namespace

double webapp_cpu_seconds() noexcept { return static_cast<double>(total_ns.load(std::memory_order_relaxed)) / 1e9; }

webapp_cpu_scope::~webapp_cpu_scope() {
  auto const spent = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started_);
  total_ns.fetch_add(spent.count(), std::memory_order_relaxed);
}

}  // namespace candar::detail
