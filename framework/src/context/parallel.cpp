#include "candar/context/parallel.hpp"

#include <stdexcept>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/context/spawn.hpp"

namespace candar {

namespace asio = boost::asio;

namespace {
std::int64_t checked(std::int64_t limit) {
  if (limit < 1) throw std::invalid_argument("parallel: limit must be >= 1, got " + std::to_string(limit));
  return limit;
}
}  // namespace

parallel::parallel(asio::any_io_executor const& ex, std::int64_t limit)
    : ex_(ex), limit_(checked(limit)), wake_(ex, asio::steady_timer::time_point::max()) {}

parallel::~parallel() = default;

bool parallel::spawn(job j) {
  if (closed_) return false;
  queue_.push_back(std::move(j));
  start_queued();
  return true;
}

void parallel::set_limit(std::int64_t limit) {
  limit_ = checked(limit);
  start_queued();
}

void parallel::start_queued() {
  while (!queue_.empty() && running() < limit_) {
    job j = std::move(queue_.front());
    queue_.pop_front();
    start(std::move(j));
  }
}

void parallel::start(job j) {
  auto const id = next_id_++;
  auto signal = std::make_shared<asio::cancellation_signal>();
  running_.emplace(id, signal);
  // The job object is kept in the coroutine's frame for as long as it runs: a job is often a lambda coroutine,
  // whose captures live in the lambda object, not in the coroutine.
  auto keep_alive = [](job jb) -> asio::awaitable<void> { co_await jb(); };
  asio::co_spawn(ex_, keep_alive(std::move(j)),
                 asio::bind_cancellation_slot(signal->slot(), [this, id](std::exception_ptr const& e) {
                   running_.erase(id);
                   ++finished_;
                   if (e && !first_exception_ && !is_cancellation(e)) first_exception_ = e;
                   start_queued();
                   wake_.cancel();
                 }));
}

void parallel::cancel_all() {
  queue_.clear();
  for (auto& [id, signal] : running_) signal->emit(asio::cancellation_type::terminal);
}

asio::awaitable<bool> parallel::drain() {
  bool canceled = false;
  while (!running_.empty() || !queue_.empty()) {
    if (!canceled && (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
      canceled = true;
      co_await asio::this_coro::throw_if_cancelled(false);  // the jobs must still be awaited
      cancel_all();
      continue;
    }
    if (canceled) {
      co_await wake_.async_wait(
          asio::bind_cancellation_slot(asio::cancellation_slot(), asio::as_tuple(asio::use_awaitable)));
    } else {
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  if (canceled) co_await asio::this_coro::throw_if_cancelled(true);
  co_return canceled;
}

asio::awaitable<void> parallel::wait() {
  if (co_await drain()) throw boost::system::system_error(asio::error::operation_aborted, "parallel::wait");
  if (auto e = std::exchange(first_exception_, nullptr)) std::rethrow_exception(e);
}

asio::awaitable<void> run_together(std::vector<parallel::job> jobs) {
  parallel all(co_await asio::this_coro::executor);
  for (auto& j : jobs) all.spawn(std::move(j));
  // Canceled (the phase ended): the jobs were canceled too and have finished; as with Asio's awaitable
  // operators, that is an end, not an error. A job's own exception still comes through.
  co_await all.drain();
  if (auto e = std::exchange(all.first_exception_, nullptr)) std::rethrow_exception(e);
}

}  // namespace candar
