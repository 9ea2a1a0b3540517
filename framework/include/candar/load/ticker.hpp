#pragma once
// Wakes every period until its context ends and hands its callback what happened since the previous tick.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"
#include "candar/failure/error_collection.hpp"
#include "candar/score/score.hpp"

namespace candar {

struct tick {
  std::int64_t number = 0;                        // 1, 2, ...
  std::chrono::steady_clock::duration elapsed{};  // since the ticker started
  score::table score_delta;                       // count per tag since the previous tick (non-zero only)
  std::map<std::string, std::int64_t, std::less<>> error_delta{};  // count per code since the previous tick
  std::int64_t successes = 0;                                      // Σ score_delta
  std::int64_t errors = 0;                                         // errors added since the previous tick
  std::int64_t errors_total = 0;                                   // errors added since the run began
};

// The difference between two readings, as a tick carries it (a pure function, for tests and replays).
tick difference(score::table const& score_before, score::table const& score_now,
                std::map<std::string, std::int64_t, std::less<>> const& errors_before,
                std::map<std::string, std::int64_t, std::less<>> const& errors_now, std::int64_t errors_total_before,
                std::int64_t errors_total_now);

class ticker {
 public:
  ticker(std::chrono::steady_clock::duration period, std::function<void(tick const&)> on_tick);

  // Returns when ctx ends; the callback runs on the awaiting coroutine's loop.
  boost::asio::awaitable<void> run(context const& ctx, score const& s, error_collection const& errors);

 private:
  std::chrono::steady_clock::duration period_;
  std::function<void(tick const&)> on_tick_;
};

}  // namespace candar
