#include "candar/context/context.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar {

std::string_view to_code(stop_reason r) noexcept {
  switch (r) {
    case stop_reason::canceled:
      return "canceled";
    case stop_reason::timeout:
      return "timeout";
    case stop_reason::none:
      break;
  }
  return {};
}

namespace detail {

namespace {

// Whether an event loop's io_context still stands. A context may be ended by a thread that is not the loop's
// (a server thread cancels a run) while the loop's owner, having seen the run end, destroys the loops: the
// deadline timer such a context holds must then be cancelled before the io_context goes, or not at all.
// The service's shutdown (the first thing ~io_context does to it) waits for a timer being released.
class loop_liveness : public boost::asio::execution_context::service {
 public:
  struct state {
    std::mutex mutex;
    bool alive = true;
  };
  static inline boost::asio::execution_context::id id;

  explicit loop_liveness(boost::asio::execution_context& owner) : service(owner), state_(std::make_shared<state>()) {}
  [[nodiscard]] std::shared_ptr<state> const& shared_state() const noexcept { return state_; }

 private:
  void shutdown() override {
    std::lock_guard lock(state_->mutex);
    state_->alive = false;
  }
  std::shared_ptr<state> state_;
};

// A deadline timer with the liveness of its loop: released from any thread, before or after the loop is gone.
class deadline_timer {
 public:
  deadline_timer(boost::asio::any_io_executor const& executor, context::clock::time_point at)
      : timer_(std::make_unique<boost::asio::steady_timer>(executor, at)),
        loop_(boost::asio::use_service<loop_liveness>(boost::asio::query(executor, boost::asio::execution::context))
                  .shared_state()) {}
  deadline_timer(deadline_timer const&) = delete;
  deadline_timer& operator=(deadline_timer const&) = delete;
  ~deadline_timer() { release(); }

  boost::asio::steady_timer& get() noexcept { return *timer_; }

  // Cancels the wait (it completes with operation_aborted on its loop) and frees the timer. With the loop gone,
  // the timer's service went with it: only the timer's storage is freed, its destructor is not run.
  void release() noexcept {
    if (!timer_) return;
    std::lock_guard lock(loop_->mutex);
    if (loop_->alive) {
      timer_.reset();  // a steady_timer's destructor cancels its wait
    } else {
      std::allocator<boost::asio::steady_timer>().deallocate(timer_.release(), 1);
    }
  }

 private:
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::shared_ptr<loop_liveness::state> loop_;
};

}  // namespace

struct context_state : std::enable_shared_from_this<context_state> {
  std::atomic<stop_reason> reason{stop_reason::none};
  std::optional<context::clock::time_point> deadline;

  std::mutex mutex;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, std::function<void(stop_reason)>> callbacks;
  // The callback being called now, and by which thread: unsubscribing it from another thread waits for it
  // to return (std::stop_callback's guarantee), so a callback may capture what its subscription's owner owns.
  std::uint64_t running_id = 0;
  std::thread::id running_thread;
  std::condition_variable callback_returned;
  context::subscription parent_link;      // ends this context when the parent ends
  std::shared_ptr<context_state> parent;  // keeps the parent alive as long as the link may fire
  std::unique_ptr<deadline_timer> timer;  // fires the deadline

  void finish(stop_reason r) {
    std::unique_lock lock(mutex);
    if (reason.load(std::memory_order_relaxed) != stop_reason::none) return;
    // The timer is released first, before anyone can see the context end: whoever waits for it may destroy
    // the timer's loop as soon as it sees that. A finished context holds no reference to an event loop.
    timer.reset();
    reason.store(r, std::memory_order_release);
    // One at a time, each called without the lock (a callback may subscribe, unsubscribe or end other
    // contexts) and marked as running, so that unsubscribing it waits for it.
    running_thread = std::this_thread::get_id();
    while (!callbacks.empty()) {
      {
        auto next = callbacks.extract(callbacks.begin());
        running_id = next.key();
        lock.unlock();
        next.mapped()(r);
      }  // the callback (and what it captured) goes before its unsubscriber is let go
      lock.lock();
      running_id = 0;
      callback_returned.notify_all();
    }
  }

  stop_reason current() noexcept {
    auto r = reason.load(std::memory_order_acquire);
    if (r == stop_reason::none && deadline && context::clock::now() >= *deadline) {
      finish(stop_reason::timeout);
      r = reason.load(std::memory_order_acquire);
    }
    return r;
  }

  void unsubscribe(std::uint64_t id) {
    std::unique_lock lock(mutex);
    if (callbacks.erase(id) > 0) return;
    // Called already, or being called: wait for it to return, unless this is the callback itself unsubscribing.
    if (running_thread == std::this_thread::get_id()) return;
    callback_returned.wait(lock, [&] { return running_id != id; });
  }
};

}  // namespace detail

context::subscription::subscription(subscription&& other) noexcept
    : state_(std::move(other.state_)), id_(std::exchange(other.id_, 0)) {}

context::subscription& context::subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

context::subscription::~subscription() { reset(); }

void context::subscription::reset() noexcept {
  if (id_ == 0) return;
  if (auto s = state_.lock()) s->unsubscribe(id_);
  state_.reset();
  id_ = 0;
}

context::context() : state_(std::make_shared<detail::context_state>()) {}

context context::with_cancel() const {
  auto child = std::make_shared<detail::context_state>();
  child->deadline = state_->deadline;
  child->parent = state_;
  std::weak_ptr<detail::context_state> weak_child = child;
  child->parent_link = on_done([weak_child](stop_reason r) {
    if (auto c = weak_child.lock()) c->finish(r);
  });
  return context(std::move(child));
}

context context::with_deadline(boost::asio::any_io_executor const& timer_executor, clock::time_point deadline) const {
  context child = with_cancel();
  auto& s = *child.state_;
  if (s.deadline && *s.deadline <= deadline) return child;  // the parent's deadline comes first
  s.deadline = deadline;
  auto timer = std::make_unique<detail::deadline_timer>(timer_executor, deadline);
  std::weak_ptr<detail::context_state> weak = child.state_;
  timer->get().async_wait([weak](boost::system::error_code ec) {
    if (ec) return;  // canceled: the context ended otherwise
    if (auto st = weak.lock()) st->finish(stop_reason::timeout);
  });
  std::lock_guard lock(s.mutex);
  if (s.reason.load(std::memory_order_relaxed) == stop_reason::none) s.timer = std::move(timer);
  // else the parent ended meanwhile: the timer goes here, its wait cancelled
  return child;
}

context context::with_timeout(boost::asio::any_io_executor const& timer_executor, clock::duration timeout) const {
  return with_deadline(timer_executor, clock::now() + timeout);
}

void context::cancel() const { state_->finish(stop_reason::canceled); }

stop_reason context::reason() const noexcept { return state_->current(); }

std::optional<context::clock::time_point> context::deadline() const noexcept { return state_->deadline; }

std::optional<context::clock::duration> context::remaining() const noexcept {
  if (!state_->deadline) return std::nullopt;
  auto const left = *state_->deadline - clock::now();
  return left < clock::duration::zero() ? clock::duration::zero() : left;
}

context::subscription context::on_done(std::function<void(stop_reason)> on_end) const {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->reason.load(std::memory_order_relaxed) == stop_reason::none) {
      auto const id = state_->next_id++;
      state_->callbacks.emplace(id, std::move(on_end));
      return subscription(state_, id);
    }
  }
  on_end(state_->reason.load(std::memory_order_acquire));
  return subscription();
}

}  // namespace candar
