#pragma once
// Helpers for tests that add from many threads at once.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace candar::test {

// At least 4, so that threads interleave even on a 2-core machine.
inline std::size_t thread_count() { return std::max<std::size_t>(4, std::thread::hardware_concurrency()); }

// Runs body(thread_index) on `n` threads at once and joins them.
inline void on_threads(std::size_t n, std::function<void(std::size_t)> const& body) {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (std::size_t i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

}  // namespace candar::test
