#pragma once
// Runs a scenario function in a loop: N times or until its context ends, with a parallelism that can be raised
// or lowered while it runs. Iterations are spread over the runtime's loops.
//
// How parallelism works: the worker keeps one "lane" coroutine per unit of parallelism; a lane runs iterations
// back to back. States and transitions of the lane count (k6's vu_handle keeps a table like this one):
//   set/add raises the limit  -> new lanes start at once (on the next loops, round-robin)
//   set/add lowers the limit  -> no lane is stopped mid-iteration; a lane that finishes an iteration while
//                                there are more lanes than the limit retires, so no new iteration starts until
//                                the running count is below the new limit
//   count reached / ctx ended -> lanes retire after their current iteration; a canceled iteration ends at
//                                its next co_await (terminal cancellation)
//   every lane retired        -> process() returns
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"
#include "candar/detail/async_signal.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/step_like.hpp"

namespace candar {

struct worker_options {
  static constexpr std::int64_t infinite = -1;
  static constexpr std::int64_t unlimited = std::numeric_limits<std::int64_t>::max();

  std::int64_t count = infinite;  // iterations in all, or infinite (until the context ends)
  std::int64_t parallelism = 1;   // iterations at once, or unlimited (only with a count)
};

class worker : public runs_in_steps<worker> {
 public:
  // index: 0, 1, ... for a counted worker; -1 when infinite.
  using function = std::function<boost::asio::awaitable<void>(context const& ctx, std::int64_t index)>;
  using exception_handler = std::function<void(std::exception_ptr)>;

  // Throws std::invalid_argument for a negative count or parallelism, or unlimited parallelism with no count.
  worker(runtime& rt, function fn, worker_options options = {});
  worker(worker const&) = delete;
  worker& operator=(worker const&) = delete;
  ~worker();

  // Runs until the count is reached or ctx ends; returns once every iteration it started has finished.
  // An exception escaping an iteration goes to `on_exception` and the loop goes on (none is dropped: an empty
  // handler throws std::invalid_argument); the operation_aborted of a canceled iteration after ctx ended is not
  // an exception of interest.
  boost::asio::awaitable<void> process(context ctx, exception_handler on_exception);
  // Within a benchmark step: process(step), process(step, narrower_context) (step_like.hpp).
  using runs_in_steps<worker>::process;

  // Any thread, at any time. Throws std::invalid_argument like the constructor.
  void set_parallelism(std::int64_t limit);
  void add_parallelism(std::int64_t delta);

  [[nodiscard]] std::int64_t parallelism() const noexcept { return limit_.load(std::memory_order_relaxed); }
  // Sums over the loops, each read at a slightly different moment while iterations run.
  [[nodiscard]] std::int64_t running() const noexcept;
  [[nodiscard]] std::int64_t started() const noexcept;
  [[nodiscard]] std::int64_t finished() const noexcept;

 private:
  boost::asio::awaitable<void> lane(context ctx, std::shared_ptr<bool> retired);
  bool retire_if_over_limit();
  void lane_ended();
  void start_lanes_locked();
  void check_limit(std::int64_t limit) const;

  runtime& runtime_;
  function const fn_;
  std::int64_t const count_;

  std::atomic<std::int64_t> limit_;
  std::atomic<std::int64_t> lanes_{0};  // written under mutex_, read without it on the hot path
  std::atomic<std::int64_t> next_index_{0};
  // One set per loop, each on its own cache line: a lane never leaves its loop, so iterations on different
  // loops never write the same line (shared counters halved the iteration rate on two threads).
  struct alignas(64) loop_counters {
    std::atomic<std::int64_t> running{0};
    std::atomic<std::int64_t> started{0};
    std::atomic<std::int64_t> finished{0};
  };
  loop_counters& counters_here() noexcept;
  std::int64_t sum(std::atomic<std::int64_t> loop_counters::*which) const noexcept;
  std::vector<loop_counters> counters_;

  std::mutex mutex_;
  bool processing_ = false;
  std::optional<context> context_;
  // context_ has ended, as process() saw it: set without mutex_, read under it by start_lanes_locked().
  std::atomic<bool> ended_{false};
  exception_handler on_exception_;
  std::optional<detail::async_signal> all_lanes_ended_;
};

}  // namespace candar
