#pragma once
// Measures how many iterations run at once, without sleeps: each entry waits (asynchronously) until `target`
// entries are inside, then all of them leave together. An implementation that runs more at once than allowed
// shows a maximum above the target; one that runs fewer never reaches the target and the test's context ends it.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace candar::test {

class concurrency_probe {
 public:
  explicit concurrency_probe(std::int64_t target) : target_(target) {}

  // Called (under the probe's lock) each time `target` entries are inside, just before they are released: all of
  // them are parked then, so a change made here falls between two iterations of every one of them. Returning a
  // new target starts a new measurement.
  void on_full(std::function<std::optional<std::int64_t>()> hook) { on_full_ = std::move(hook); }

  // Starts a new measurement: a new target, and the maximum counted afresh from the next entry on.
  void set_target(std::int64_t target) {
    std::lock_guard lock(mutex_);
    retarget_locked(target);
    if (inside_ >= target_) release_locked();
  }

  boost::asio::awaitable<void> enter() {
    auto ex = co_await boost::asio::this_coro::executor;
    auto timer = std::make_shared<boost::asio::steady_timer>(ex, boost::asio::steady_timer::time_point::max());
    bool wait = false;
    {
      std::lock_guard lock(mutex_);
      ++inside_;
      max_.back() = std::max(max_.back(), inside_);
      if (inside_ >= target_) {
        if (on_full_) {
          if (auto next = on_full_()) retarget_locked(*next);
        }
        release_locked();
      } else {
        waiting_.push_back({ex, timer});
        wait = true;
      }
    }
    struct leave {
      concurrency_probe* p;
      ~leave() {
        std::lock_guard lock(p->mutex_);
        --p->inside_;
      }
    } on_leave{this};
    // A release posted to this loop runs only once this coroutine has suspended in the wait below.
    if (wait) co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }

  // The largest number inside at once in each measurement (the first one, then one per set_target()).
  std::vector<std::int64_t> maxima() const {
    std::lock_guard lock(mutex_);
    return max_;
  }

 private:
  void retarget_locked(std::int64_t target) {
    target_ = target;
    max_.push_back(0);
  }

  void release_locked() {
    for (auto& [ex, timer] : waiting_) boost::asio::post(ex, [t = timer] { t->cancel(); });
    waiting_.clear();
  }

  mutable std::mutex mutex_;
  std::int64_t target_;
  std::int64_t inside_ = 0;
  std::function<std::optional<std::int64_t>()> on_full_;
  std::vector<std::int64_t> max_{0};
  std::vector<std::pair<boost::asio::any_io_executor, std::shared_ptr<boost::asio::steady_timer>>> waiting_;
};

}  // namespace candar::test
