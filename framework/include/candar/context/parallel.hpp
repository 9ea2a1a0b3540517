#pragma once
// Bounded-concurrency fan-out inside one virtual user (e.g. a page's sub-resources): jobs run as coroutines on
// the user's own loop, at most `limit` at once, the rest queued in order. Use it from that loop only.
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar {

class parallel {
 public:
  using job = std::function<boost::asio::awaitable<void>()>;
  static constexpr std::int64_t unlimited = std::numeric_limits<std::int64_t>::max();

  // Throws std::invalid_argument for a limit below 1.
  explicit parallel(boost::asio::any_io_executor const& ex, std::int64_t limit = unlimited);
  parallel(parallel const&) = delete;
  parallel& operator=(parallel const&) = delete;
  // Must not be destroyed with jobs running: await wait() first.
  ~parallel();

  // Starts `j` at once if fewer than the limit are running, else queues it. False (and nothing done) if closed.
  bool spawn(job j);
  // Raising starts queued jobs at once; lowering lets running jobs finish. Throws std::invalid_argument below 1.
  void set_limit(std::int64_t limit);
  // No job is accepted after this; queued and running ones still run.
  void close() noexcept { closed_ = true; }

  // Waits until every job spawned so far has finished, then rethrows the first exception a job let escape.
  // If the waiting coroutine is canceled, queued jobs are dropped, running ones are canceled and awaited, and
  // wait() throws operation_aborted.
  boost::asio::awaitable<void> wait();

  [[nodiscard]] std::int64_t limit() const noexcept { return limit_; }
  [[nodiscard]] std::int64_t running() const noexcept { return static_cast<std::int64_t>(running_.size()); }
  [[nodiscard]] std::int64_t queued() const noexcept { return static_cast<std::int64_t>(queue_.size()); }
  [[nodiscard]] std::int64_t finished() const noexcept { return finished_; }
  [[nodiscard]] bool closed() const noexcept { return closed_; }

 private:
  friend boost::asio::awaitable<void> run_together(std::vector<job> jobs);
  // Waits for every job (canceling them if the waiting coroutine is canceled); true when it was canceled.
  boost::asio::awaitable<bool> drain();
  void start_queued();
  void start(job j);
  void cancel_all();

  boost::asio::any_io_executor ex_;
  std::int64_t limit_;
  bool closed_ = false;
  std::deque<job> queue_;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, std::shared_ptr<boost::asio::cancellation_signal>> running_;
  std::int64_t finished_ = 0;
  std::exception_ptr first_exception_;
  boost::asio::steady_timer wake_;  // never expires: canceled when a job finishes
};

// Runs every job at once on the calling coroutine's loop and waits until all have finished, then rethrows the
// first exception one let escape: a Load step's workers, its load adjustor and its timers side by side. When
// the calling coroutine is canceled (its phase ended), the jobs are canceled, and together() returns once they
// have finished.
//
//   co_await together([&] { return users.process(s, load); }, [&] { return adjust.run(load, 10s, score, errors); });
//
// What `(a && b && c)` does with Asio's awaitable operators (except that a failing job does not cancel the
// others), without instantiating their parallel_group templates in every file that uses it.
boost::asio::awaitable<void> run_together(std::vector<parallel::job> jobs);

template <class... Jobs>
[[nodiscard]] boost::asio::awaitable<void> together(Jobs&&... jobs) {
  std::vector<parallel::job> all;
  all.reserve(sizeof...(jobs));
  (all.emplace_back(std::forward<Jobs>(jobs)), ...);
  return run_together(std::move(all));
}

}  // namespace candar
