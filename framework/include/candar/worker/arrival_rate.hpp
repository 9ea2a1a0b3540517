#pragma once
// Open-model load: iterations start at a rate whether or not earlier ones have finished (k6's constant- and
// ramping-arrival-rate executors, wrk2's -R), where a worker (worker.hpp) is a closed loop of N users each
// waiting for its own answer. A closed loop cannot hold a rate, and when the server stalls its users stall with
// it and send nothing: its latency figures then miss the stall (coordinated omission). Here the k-th iteration
// is due at a fixed time from the start, whatever happened before it.
//
// - The rate: `start_rate`, then stages that move it linearly to their target over their duration (a constant
//   rate is one stage whose target is the start rate: arrival_rate_options::constant). The run ends after the
//   last stage, or when the context ends.
// - Starts are spread evenly: arrival k is due when the integral of the rate reaches k (after a stretch at
//   rate zero, when the rate rises again). Loop i of L takes arrivals i, i+L, i+2L, ... and waits for each on
//   its own timer, so no loop waits on another (L: the runtime's loops, but no more than max_users).
// - Users: an iteration runs as one user, and a user runs one iteration at a time, always on the same loop
//   (keep per-user state, an agent say, indexed by arrival::user). `pre_allocated_users` exist from the
//   start, dealt round-robin over the loops; more are made, up to `max_users`, when an arrival finds none
//   free on its loop. A user freed elsewhere does not move: each loop needs users of its own.
// - Dropped: an arrival that finds no free user and none left to make is dropped and counted (k6's
//   dropped_iterations), unless `max_delay` lets it wait for the next user to come back: it then starts late.
// - Latency, measured honestly: each iteration's time from when it was due (what a user of the service would
//   have seen) and, beside it, from when it actually started (wrk2's corrected and uncorrected figures).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"
#include "candar/detail/async_signal.hpp"
#include "candar/metrics/histogram.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/step_like.hpp"

namespace candar {

namespace detail {
class arrival_schedule;
}

struct rate_stage {
  double target = 0;                               // iterations per second at the end of the stage
  std::chrono::steady_clock::duration duration{};  // the rate moves linearly to `target` over it
};

struct arrival_rate_options {
  double start_rate = 0;  // iterations per second when the first stage begins
  std::vector<rate_stage> stages;
  std::int64_t pre_allocated_users = 1;
  std::int64_t max_users = 0;  // 0: as many as pre_allocated_users
  // How late an arrival may start when no user was free at its time: zero drops it at once (k6); more lets
  // it wait for a user and start late (wrk2), its latency counted from when it was due. Later than this, dropped.
  std::chrono::steady_clock::duration max_delay{};

  // `rate` iterations per second for `duration`.
  static arrival_rate_options constant(double rate, std::chrono::steady_clock::duration duration, std::int64_t users);
};

struct arrival {
  std::int64_t index = 0;  // 0, 1, 2, ... in the order they are due
  std::int64_t user = 0;   // 0 .. max_users-1: the user running it (one iteration at a time, always one loop)
  std::chrono::steady_clock::time_point due;
  std::chrono::steady_clock::time_point started;
};

class arrival_rate : public runs_in_steps<arrival_rate> {
 public:
  using function = std::function<boost::asio::awaitable<void>(context const& ctx, arrival const& a)>;
  using exception_handler = std::function<void(std::exception_ptr)>;

  // Throws std::invalid_argument for a negative or non-finite rate, no stages, a stage without a duration, or
  // fewer than one user.
  arrival_rate(runtime& rt, function fn, arrival_rate_options options);
  arrival_rate(arrival_rate const&) = delete;
  arrival_rate& operator=(arrival_rate const&) = delete;
  ~arrival_rate();

  // Runs the schedule until its last stage ends or ctx ends; returns once every iteration it started has
  // finished. Exceptions escaping an iteration go to `on_exception` (none is dropped: an empty handler throws
  // std::invalid_argument). Runs once.
  boost::asio::awaitable<void> process(context ctx, exception_handler on_exception);
  // Within a benchmark step: process(step), process(step, narrower_context) (step_like.hpp).
  using runs_in_steps<arrival_rate>::process;

  // Any thread, any time (sums over the loops).
  [[nodiscard]] std::int64_t started() const noexcept;
  [[nodiscard]] std::int64_t dropped() const noexcept;
  [[nodiscard]] std::int64_t finished() const noexcept;
  [[nodiscard]] std::int64_t users() const noexcept;  // made so far, pre-allocated included
  // Arrivals the schedule holds in all (due before its last stage ends).
  [[nodiscard]] std::int64_t scheduled() const noexcept;

  // Iteration latency over the run, for iterations that finished (not those cut off when ctx ended). Read
  // after process() returned.
  [[nodiscard]] histogram latency_from_due() const;
  [[nodiscard]] histogram latency_from_start() const;

 private:
  struct loop_state;
  boost::asio::awaitable<void> schedule_loop(std::size_t loop, context ctx);
  void start(std::size_t loop, context const& ctx, arrival a);
  bool take_user(std::size_t loop, std::int64_t& user);
  void loop_idle(std::size_t loop);

  function const fn_;
  arrival_rate_options const options_;
  std::unique_ptr<detail::arrival_schedule const> schedule_;
  std::vector<std::shared_ptr<loop_state>> loops_;
  std::optional<detail::async_signal> all_done_;
  std::atomic<std::chrono::steady_clock::rep> ended_at_{0};  // when ctx ended (0: not yet), for the cut-off count
  std::atomic<std::int64_t> users_{0};
  std::chrono::steady_clock::time_point start_;
  exception_handler on_exception_;
};

}  // namespace candar
