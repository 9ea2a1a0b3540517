#pragma once
// The state a benchmark shares with its steps.
#include <atomic>
#include <exception>
#include <mutex>
#include <vector>

#include "candar/benchmark/benchmark.hpp"

namespace candar::detail {

struct benchmark_run {
  benchmark_options options;
  std::vector<scenario> scenarios;
  std::vector<benchmark::error_hook> hooks;
  candar::result result;

  runtime* rt = nullptr;
  context root;  // ends the whole run: step.cancel()
  bool started = false;
  std::atomic<int> running{-1};  // the phase running now, as an index; -1: none

  std::mutex exception_mutex;
  std::exception_ptr first_uncaught;  // with catch_panics off

  [[nodiscard]] bool ignored(error const& e) const;
  // Collects `e` (unless its code is ignored) and shows it to the hooks, whatever the step's window.
  void record(error const& e, step& s);
};

}  // namespace candar::detail
