#include "deadline_watch.hpp"

#include "connection.hpp"

namespace candar::detail {

void deadline_watch::watch(connection& c, clock_type::time_point deadline) {
  if (c.watch_ != this) {
    if (c.watch_ != nullptr) c.watch_->unwatch(c);
    c.watch_ = this;
    c.watch_index_ = in_flight_.size();
    in_flight_.push_back(&c);
  }
  c.deadline_ = deadline;
  c.timed_out_ = false;
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
  armed_for_ = at;
  timer_.expires_at(at);  // a wait already pending ends with operation_aborted
  timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // moved, or the agent is gone
    if (auto w = self.lock()) w->on_timer();
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
