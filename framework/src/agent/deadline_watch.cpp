#include "deadline_watch.hpp"

#include "connection.hpp"

namespace candar::detail {

boost::asio::execution_context::id deadline_watch::id;

deadline_watch& deadline_watch::of(boost::asio::any_io_executor const& ex) {
  return boost::asio::use_service<deadline_watch>(boost::asio::query(ex, boost::asio::execution::context));
}

void deadline_watch::shutdown() {
  // The loop is going: its pending operations are destroyed, not run. The timer goes now, while the services
  // it uses are still there; connections destroyed after this still leave in_flight_ (unwatch).
  shut_down_ = true;
  timer_.reset();
  armed_for_ = clock_type::time_point::max();
}

void deadline_watch::watch(connection& c, clock_type::time_point deadline, boost::asio::any_io_executor const& ex) {
  if (!timer_ && !shut_down_) timer_.emplace(ex);
  if (c.watch_ != this) {
    if (c.watch_ != nullptr) c.watch_->unwatch(c);
    c.watch_ = this;
    c.watch_index_ = in_flight_.size();
    in_flight_.push_back(&c);
  }
  c.deadline_ = deadline;
  // timed_out_ stays: a connection cut off has a closed socket, and is never reused.
  if (armed_for_ <= deadline) return;  // the timer fires first and then moves on to this deadline
  arm(deadline);
}

void deadline_watch::unwatch(connection& c) noexcept {
  if (c.watch_ != this) return;
  // Swap-remove: the order of the connections in flight does not matter.
  auto* const last = in_flight_.back();
  in_flight_[c.watch_index_] = last;
  last->watch_index_ = c.watch_index_;
  in_flight_.pop_back();
  c.watch_ = nullptr;
}

void deadline_watch::arm(clock_type::time_point at) {
  if (!timer_) return;  // shut down
  armed_for_ = at;
  timer_->expires_at(at);  // a wait already pending ends with operation_aborted
  // `this` lives as long as the loop, and the wait cannot outlive the loop.
  timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) on_timer();  // else moved on, or shutting down
  });
}

void deadline_watch::on_timer() {
  armed_for_ = clock_type::time_point::max();
  auto const now = clock_type::now();
  auto next = clock_type::time_point::max();
  for (auto* c : in_flight_) {
    if (c->timed_out_) continue;
    if (c->deadline_ <= now) {
      c->cut_off();
    } else if (c->deadline_ < next) {
      next = c->deadline_;
    }
  }
  if (next != clock_type::time_point::max()) arm(next);
}

}  // namespace candar::detail
