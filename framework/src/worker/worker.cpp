#include "candar/worker/worker.hpp"

#include <stdexcept>
#include <string>

#include <boost/asio/this_coro.hpp>

#include "candar/context/spawn.hpp"

namespace candar {

worker::worker(runtime& rt, function fn, worker_options options)
    : runtime_(rt), fn_(std::move(fn)), count_(options.count), limit_(options.parallelism), counters_(rt.size()) {
  if (count_ < 0 && count_ != worker_options::infinite) {
    throw std::invalid_argument("worker: count must be >= 0 or infinite, got " + std::to_string(count_));
  }
  if (!fn_) throw std::invalid_argument("worker: no function to run");
  check_limit(options.parallelism);
}

worker::~worker() = default;

worker::loop_counters& worker::counters_here() noexcept {
  return counters_[runtime::current_loop().value_or(0) % counters_.size()];
}

std::int64_t worker::sum(std::atomic<std::int64_t> loop_counters::*which) const noexcept {
  std::int64_t n = 0;
  for (auto const& c : counters_) n += (c.*which).load(std::memory_order_relaxed);
  return n;
}

std::int64_t worker::running() const noexcept { return sum(&loop_counters::running); }
std::int64_t worker::started() const noexcept { return sum(&loop_counters::started); }
std::int64_t worker::finished() const noexcept { return sum(&loop_counters::finished); }

void worker::check_limit(std::int64_t limit) const {
  if (limit < 0) throw std::invalid_argument("worker: parallelism must be >= 0, got " + std::to_string(limit));
  if (limit == worker_options::unlimited && count_ == worker_options::infinite) {
    throw std::invalid_argument("worker: unlimited parallelism needs a count (it would start iterations without end)");
  }
}

void worker::set_parallelism(std::int64_t limit) {
  check_limit(limit);
  std::lock_guard lock(mutex_);
  limit_.store(limit, std::memory_order_relaxed);
  if (processing_) start_lanes_locked();
}

void worker::add_parallelism(std::int64_t delta) {
  std::lock_guard lock(mutex_);
  auto const current = limit_.load(std::memory_order_relaxed);
  std::int64_t next = 0;
  if (current == worker_options::unlimited) return;
  if (__builtin_add_overflow(current, delta, &next) || next >= worker_options::unlimited)
    next = worker_options::unlimited - 1;
  if (next < 0) next = 0;
  limit_.store(next, std::memory_order_relaxed);
  if (processing_) start_lanes_locked();
}

void worker::start_lanes_locked() {
  // ended_, not context_->done(): done() may end the context (a passed deadline) and run its callbacks here,
  // under mutex_, and a callback that calls this worker would deadlock. A lane started for a context that has
  // ended without ended_ knowing it yet does not run (spawn) and counts itself down.
  if (!context_ || ended_.load(std::memory_order_relaxed)) return;
  auto const limit = limit_.load(std::memory_order_relaxed);
  std::int64_t want = limit;
  if (count_ != worker_options::infinite) {
    auto const unclaimed = count_ - std::min(count_, next_index_.load(std::memory_order_relaxed));
    want = std::min(limit, lanes_.load(std::memory_order_relaxed) + unclaimed);
  }
  while (lanes_.load(std::memory_order_relaxed) < want) {
    lanes_.fetch_add(1, std::memory_order_relaxed);
    // The lane is counted down here, in `done`, which runs even when the lane never started (its context
    // ended first); a lane that retired has counted itself down already.
    auto retired = std::make_shared<bool>(false);
    spawn(runtime_.next_executor(), *context_, lane(*context_, retired), [this, retired](std::exception_ptr const&) {
      if (!*retired) lane_ended();
    });
  }
}

bool worker::retire_if_over_limit() {
  if (lanes_.load(std::memory_order_relaxed) <= limit_.load(std::memory_order_relaxed)) return false;
  std::lock_guard lock(mutex_);
  // Checked and counted down under one lock, so two lanes finishing at once cannot both retire for one slot.
  if (lanes_.load(std::memory_order_relaxed) <= limit_.load(std::memory_order_relaxed)) return false;
  if (lanes_.fetch_sub(1, std::memory_order_relaxed) == 1) all_lanes_ended_->notify();
  return true;
}

void worker::lane_ended() {
  std::lock_guard lock(mutex_);
  // The signal is notified under the lock: process() cannot see zero lanes and return before this is done.
  if (lanes_.fetch_sub(1, std::memory_order_relaxed) == 1) all_lanes_ended_->notify();
}

boost::asio::awaitable<void> worker::lane(context ctx, std::shared_ptr<bool> retired) {
  for (;;) {
    if (ctx.done()) break;
    if (retire_if_over_limit()) {
      *retired = true;
      break;
    }
    std::int64_t index = -1;
    if (count_ != worker_options::infinite) {
      index = next_index_.fetch_add(1, std::memory_order_relaxed);
      if (index >= count_) break;
    }
    auto& counters = counters_here();
    counters.running.fetch_add(1, std::memory_order_relaxed);
    counters.started.fetch_add(1, std::memory_order_relaxed);
    std::exception_ptr escaped;
    try {
      co_await fn_(ctx, index);
    } catch (...) {
      escaped = std::current_exception();
    }
    counters.running.fetch_sub(1, std::memory_order_relaxed);
    counters.finished.fetch_add(1, std::memory_order_relaxed);
    if (escaped) {
      if (ctx.done() && is_cancellation(escaped)) break;
      if (on_exception_) on_exception_(escaped);
    }
  }
}

boost::asio::awaitable<void> worker::process(context ctx, exception_handler on_exception) {
  if (!on_exception) throw std::invalid_argument("worker: process() needs an exception handler (or the step)");
  auto const here = co_await boost::asio::this_coro::executor;
  {
    std::lock_guard lock(mutex_);
    if (processing_) throw std::logic_error("worker: process() is already running");
    processing_ = true;
    ended_.store(false, std::memory_order_relaxed);
    context_ = ctx;
    on_exception_ = std::move(on_exception);
    all_lanes_ended_.emplace(here);
  }
  // Wake up when the context ends, so that a worker with parallelism 0 returns then too. No lock here: ending
  // a context runs this callback on the thread that ends it, whatever that thread holds.
  auto stop = ctx.on_done([this](stop_reason) {
    ended_.store(true, std::memory_order_relaxed);
    all_lanes_ended_->notify();
  });
  {
    std::lock_guard lock(mutex_);
    start_lanes_locked();
  }
  co_await all_lanes_ended_->wait_until([this, ctx] {
    // Before the lock, for the same reason as in start_lanes_locked(). Once this has seen the end, no lane starts
    // any more: the callback above may still be on its way on the thread that ended ctx.
    bool const ended = ctx.done();
    if (ended) ended_.store(true, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (lanes_.load(std::memory_order_relaxed) != 0) return false;
    bool const exhausted = count_ != worker_options::infinite && next_index_.load(std::memory_order_relaxed) >= count_;
    return exhausted || ended;
  });
  stop.reset();
  std::lock_guard lock(mutex_);
  processing_ = false;
  context_.reset();
}

}  // namespace candar
