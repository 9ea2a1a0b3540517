#pragma once
// Time the benchmarker spends on what a webapp sent: parsing its pages and undoing its Content-Encoding. A
// webapp chooses that cost (a page nested 100,000 deep, a body that takes seconds to gunzip), so the saturation
// check counts it as the webapp's, not as the benchmarker's own load: a webapp cannot turn its verdict into
// "invalid" with bytes that are expensive to read.
#include <chrono>

namespace candar::detail {

// Seconds spent so far, by every thread, inside a webapp_cpu_scope, open ones included (their time so far).
[[nodiscard]] double webapp_cpu_seconds() noexcept;

// Adds the time from its construction to its destruction (work on the thread itself: CPU time) to the total;
// a scope inside another on the same thread adds nothing of its own.
class webapp_cpu_scope {
 public:
  webapp_cpu_scope() noexcept;
  webapp_cpu_scope(webapp_cpu_scope const&) = delete;
  webapp_cpu_scope& operator=(webapp_cpu_scope const&) = delete;
  ~webapp_cpu_scope();

 private:
  std::chrono::steady_clock::time_point started_;
};

}  // namespace candar::detail
