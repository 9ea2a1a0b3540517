#include "candar/worker/arrival_rate.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "arrival_schedule.hpp"
#include "candar/context/spawn.hpp"
#include "candar/detail/async_signal.hpp"

namespace candar {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

arrival_rate_options arrival_rate_options::constant(double rate, clock_type::duration duration, std::int64_t users) {
  arrival_rate_options o;
  o.start_rate = rate;
  o.stages = {{rate, duration}};
  o.pre_allocated_users = users;
  o.max_users = users;
  return o;
}

// What one loop owns. Everything but the atomics is touched only from that loop's thread: its scheduler, its
// iterations and their completions all run there.
struct arrival_rate::loop_state {
  explicit loop_state(asio::any_io_executor e) : ex(std::move(e)), next_due(ex), waker(ex) {}
  asio::any_io_executor ex;
  asio::steady_timer next_due;  // the scheduler waits on it for the next arrival's time
  asio::steady_timer waker;     // or on this one for a user to come back; a completion cancels it
  bool waiting_for_user = false;
  std::vector<std::int64_t> free_users;
  // The iterations running here, each with its own cancellation signal: the end of ctx emits on each (one
  // subscription to ctx per loop, not one per iteration, which cost a lock and two allocations per start).
  std::unordered_map<std::int64_t, std::unique_ptr<asio::cancellation_signal>> running;  // by user
  std::int64_t in_flight = 0;
  bool scheduling = true;
  histogram from_due, from_start;
  std::exception_ptr failure;  // what escaped this loop's scheduler (out of memory): rethrown by process()
  std::atomic<std::int64_t> started{0}, dropped{0}, finished{0};
  std::atomic<bool> idle{false};  // scheduling over and nothing in flight: released after the histograms' last write
};

arrival_rate::arrival_rate(runtime& rt, function fn, arrival_rate_options options)
    : fn_(std::move(fn)), options_(std::move(options)) {
  if (!fn_) throw std::invalid_argument("arrival rate: no function to run");
  schedule_ = std::make_unique<detail::arrival_schedule const>(options_.start_rate, options_.stages);
  if (options_.pre_allocated_users < 1)
    throw std::invalid_argument("arrival rate: at least one pre-allocated user is needed");
  if (options_.max_users != 0 && options_.max_users < options_.pre_allocated_users) {
    throw std::invalid_argument("arrival rate: max_users must be 0 or at least pre_allocated_users");
  }
  if (options_.max_delay < clock_type::duration::zero())
    throw std::invalid_argument("arrival rate: max_delay must be >= 0");
  // Arrivals go only to loops that can have a user of their own: with 2 users on 8 loops, 2 loops schedule.
  auto const max_users = options_.max_users == 0 ? options_.pre_allocated_users : options_.max_users;
  auto const active = std::min<std::size_t>(rt.size(), static_cast<std::size_t>(max_users));
  for (std::size_t i = 0; i < active; ++i) loops_.push_back(std::make_shared<loop_state>(rt.executor(i)));
}

arrival_rate::~arrival_rate() = default;

std::int64_t arrival_rate::started() const noexcept {
  std::int64_t n = 0;
  for (auto const& l : loops_) n += l->started.load(std::memory_order_relaxed);
  return n;
}
std::int64_t arrival_rate::dropped() const noexcept {
  std::int64_t n = 0;
  for (auto const& l : loops_) n += l->dropped.load(std::memory_order_relaxed);
  return n;
}
std::int64_t arrival_rate::finished() const noexcept {
  std::int64_t n = 0;
  for (auto const& l : loops_) n += l->finished.load(std::memory_order_relaxed);
  return n;
}
std::int64_t arrival_rate::users() const noexcept { return users_.load(std::memory_order_relaxed); }
std::int64_t arrival_rate::scheduled() const noexcept { return schedule_->count(); }

histogram arrival_rate::latency_from_due() const {
  histogram h;
  for (auto const& l : loops_) {
    if (l->idle.load(std::memory_order_acquire)) h.merge(l->from_due);
  }
  return h;
}
histogram arrival_rate::latency_from_start() const {
  histogram h;
  for (auto const& l : loops_) {
    if (l->idle.load(std::memory_order_acquire)) h.merge(l->from_start);
  }
  return h;
}

bool arrival_rate::take_user(std::size_t loop, std::int64_t& user) {
  auto& l = *loops_[loop];
  if (!l.free_users.empty()) {
    user = l.free_users.back();
    l.free_users.pop_back();
    return true;
  }
  auto const max = options_.max_users == 0 ? options_.pre_allocated_users : options_.max_users;
  auto n = users_.load(std::memory_order_relaxed);
  while (n < max) {
    if (users_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) {
      user = n;  // from now on a user of this loop
      return true;
    }
  }
  return false;
}

void arrival_rate::start(std::size_t loop, context const& ctx, arrival a) {
  auto& l = *loops_[loop];
  if (ctx.done()) {  // the run ended while this one was being chosen
    l.free_users.push_back(a.user);
    l.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  try {
    auto& signal = l.running[a.user];
    if (!signal) signal = std::make_unique<asio::cancellation_signal>();
    // The function takes its arguments by reference: they live in this frame, not in start()'s.
    auto run = [](function const& fn, context c, arrival what) -> asio::awaitable<void> { co_await fn(c, what); };
    l.started.fetch_add(1, std::memory_order_relaxed);
    ++l.in_flight;
    asio::co_spawn(
        l.ex, run(fn_, ctx, a),
        asio::bind_cancellation_slot(signal->slot(), [this, loop, a, ctx](std::exception_ptr const& escaped) {
          auto& here = *loops_[loop];
          auto const now = clock_type::now();
          bool const cut_off = ctx.done();  // ended by the end of the run: its time says nothing of the server
          if (!cut_off) {
            here.from_due.record(now - a.due);
            here.from_start.record(now - a.started);
          }
          here.running[a.user]->slot().clear();
          here.finished.fetch_add(1, std::memory_order_relaxed);
          here.free_users.push_back(a.user);
          --here.in_flight;
          if (here.waiting_for_user) here.waker.cancel();
          // After the bookkeeping, and guarded: a handler that throws must not take the loop down. Before
          // loop_idle(): once that says idle, process() may return and the owner destroy this object.
          if (escaped && !(cut_off && is_cancellation(escaped)) && on_exception_) {
            try {
              on_exception_(escaped);
            } catch (...) {
            }
          }
          loop_idle(loop);  // last: nothing of `this` is touched after it
        }));
  } catch (...) {  // out of memory before it was scheduled: as if no user had been free
    l.free_users.push_back(a.user);
    l.dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void arrival_rate::loop_idle(std::size_t loop) {
  auto& l = *loops_[loop];
  if (l.scheduling || l.in_flight > 0) return;
  // A copy of the signal first: once `idle` is stored, process() may return and this object go.
  auto signal = *all_done_;
  l.idle.store(true, std::memory_order_release);
  signal.notify();
}

asio::awaitable<void> arrival_rate::schedule_loop(std::size_t loop, context ctx) {
  auto& l = *loops_[loop];
  auto const stride = static_cast<std::int64_t>(loops_.size());
  auto const wait_for = [&](asio::steady_timer& t) -> asio::awaitable<void> {
    co_await t.async_wait(
        asio::as_tuple(asio::use_awaitable));  // woken, due, or canceled with ctx: all looked at after
  };
  std::int64_t k = static_cast<std::int64_t>(loop);
  for (;;) {
    auto const offset = schedule_->due(k);
    if (!offset || ctx.done()) break;
    auto const due = start_ + std::chrono::duration_cast<clock_type::duration>(*offset);
    if (clock_type::now() < due) {
      l.next_due.expires_at(due);
      co_await wait_for(l.next_due);
      if (ctx.done()) break;
    }
    std::int64_t user = 0;
    bool have = take_user(loop, user);
    if (!have && l.in_flight > 0) {
      // Completions already queued on this loop may have freed a user: they run before anything is dropped.
      co_await asio::post(l.ex, asio::use_awaitable);
      have = take_user(loop, user);
    }
    if (!have) {
      // Nothing in flight here: no user of this loop will come back to wait for.
      if (options_.max_delay == clock_type::duration::zero() || l.in_flight == 0) {
        l.dropped.fetch_add(1, std::memory_order_relaxed);
        k += stride;
        continue;
      }
      // Wait for a user to come back; what became too late meanwhile is dropped then, in order.
      l.waiting_for_user = true;
      while (!take_user(loop, user) && !ctx.done()) {
        l.waker.expires_at(clock_type::time_point::max());
        co_await wait_for(l.waker);
      }
      l.waiting_for_user = false;
      if (ctx.done()) break;
      auto const now = clock_type::now();
      std::optional<arrival> next;
      for (; schedule_->due(k); k += stride) {
        auto const late_due = start_ + std::chrono::duration_cast<clock_type::duration>(*schedule_->due(k));
        if (late_due > now) break;  // not due yet: back to the schedule
        if (now - late_due <= options_.max_delay) {
          next = arrival{k, user, late_due, now};
          k += stride;
          break;
        }
        l.dropped.fetch_add(1, std::memory_order_relaxed);
      }
      if (next) {
        start(loop, ctx, *next);
      } else {
        l.free_users.push_back(user);
      }
      continue;
    }
    auto const now = clock_type::now();
    if (options_.max_delay > clock_type::duration::zero() && now - due > options_.max_delay) {
      // A user was free, but this loop itself came late (starved, or busy): later than allowed is dropped too.
      l.free_users.push_back(user);
      l.dropped.fetch_add(1, std::memory_order_relaxed);
    } else {
      start(loop, ctx, arrival{k, user, due, now});
    }
    k += stride;
  }
  // Cut off by ctx: the arrivals of this loop that were due when it ended and never started are dropped too.
  if (ctx.done()) {
    auto end = clock_type::now();
    if (auto const ended = ended_at_.load(std::memory_order_relaxed); ended != 0) {
      end = std::min(end, clock_type::time_point(clock_type::duration(ended)));
    }
    auto const due_now = schedule_->due_by(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start_));
    if (due_now > k) l.dropped.fetch_add((due_now - k + stride - 1) / stride, std::memory_order_relaxed);
  }
}

asio::awaitable<void> arrival_rate::process(context ctx, exception_handler on_exception) {
  if (!on_exception) throw std::invalid_argument("arrival rate: process() needs an exception handler (or the step)");
  auto const here = co_await asio::this_coro::executor;
  if (all_done_) throw std::logic_error("arrival rate: process() runs once");
  on_exception_ = std::move(on_exception);
  all_done_.emplace(here);
  // The pre-allocated users, dealt round-robin over the loops.
  auto const pre = options_.pre_allocated_users;
  for (std::int64_t u = 0; u < pre; ++u) loops_[static_cast<std::size_t>(u) % loops_.size()]->free_users.push_back(u);
  users_.store(pre, std::memory_order_relaxed);
  start_ = clock_type::now();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    // Not tied to ctx by spawn: the scheduler sees ctx end itself, and must then count what it dropped.
    asio::co_spawn(loops_[i]->ex, schedule_loop(i, ctx), [this, i](std::exception_ptr const& escaped) {
      loops_[i]->failure = escaped;   // rethrown by process(): a schedule cut short must not pass for a whole one
      loops_[i]->scheduling = false;  // over, even if it threw: process() must not wait forever
      loop_idle(i);
    });
  }
  // A wait on a timer does not see ctx end by itself: ending ctx cancels the timers (on their loops).
  auto stop = ctx.on_done([this](stop_reason) {
    ended_at_.store(clock_type::now().time_since_epoch().count(), std::memory_order_relaxed);
    for (auto const& l : loops_) {
      asio::post(l->ex, [state = l] {  // a share of the loop's state: this may run after process() returned
        state->next_due.cancel();
        state->waker.cancel();
        // Every iteration still running here stops at its next co_await, as a spawn()ed one would.
        for (auto const& [user, signal] : state->running) signal->emit(asio::cancellation_type::terminal);
      });
    }
  });
  co_await all_done_->wait_until([this] {
    for (auto const& l : loops_) {
      if (!l->idle.load(std::memory_order_acquire)) return false;
    }
    return true;
  });
  stop.reset();
  for (auto const& l : loops_) {
    if (l->failure) std::rethrow_exception(l->failure);
  }
}

}  // namespace candar
