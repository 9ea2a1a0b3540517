#pragma once
// The load adjustor: on every tick it looks at successes and errors since the previous tick and raises the
// workers' parallelism, holds it, or stops the load; it tells the contestant each time, and the admin log too.
// The decision is a pure function (decide) so its rules are tested with exact numbers and no clock.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"
#include "candar/load/logs.hpp"
#include "candar/load/ticker.hpp"
#include "candar/worker/worker.hpp"

namespace candar {

struct adjust_policy {
  std::int64_t successes_to_raise = 1;  // successes since the previous tick needed to raise
  std::int64_t new_errors_allowed = 3;  // more new errors than this since the previous tick: hold
  std::int64_t raise_by = 1;            // level step, added to each worker's parallelism
  std::int64_t max_level = 1'000;
  std::int64_t abort_at_errors = -1;  // errors in all at which the load stops early; -1: never
};

struct adjustment {
  enum class action { raise, hold, abort };
  action what = action::hold;
  std::int64_t level = 0;  // the level after this adjustment
  std::string reason{};    // the contestant's line
};

[[nodiscard]] adjustment decide(adjust_policy const& policy, std::int64_t level, tick const& t);

class load_adjustor {
 public:
  struct level_change {
    std::chrono::steady_clock::duration at{};
    std::int64_t level{};
  };

  // The workers must outlive run(). `level` is where the load starts.
  load_adjustor(adjust_policy policy, std::vector<worker*> workers, logs& log, std::int64_t level = 1);

  // Ticks every `period` until `load` ends; on abort it cancels `load` (the load only, not the run).
  boost::asio::awaitable<void> run(context load, std::chrono::steady_clock::duration period, score const& s,
                                   error_collection const& errors);

  // Any thread, at any time (a progress line reads it while run() raises it).
  [[nodiscard]] std::int64_t level() const noexcept { return level_.load(std::memory_order_relaxed); }
  // The level over time, starting with the initial level at 0 s; read after run() returned.
  [[nodiscard]] std::vector<level_change> const& timeline() const noexcept { return timeline_; }

 private:
  void apply(adjustment const& a, tick const& t, context const& load);

  adjust_policy policy_;
  std::vector<worker*> workers_;
  logs& log_;
  std::atomic<std::int64_t> level_;  // written by run() only
  std::vector<level_change> timeline_;
};

}  // namespace candar
