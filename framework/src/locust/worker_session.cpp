// The session's life: the loop that keeps time (ready, heartbeats, reports, the master's silence), and its ends.
#include <stdexcept>

#include <fmt/format.h>

#include "worker_session.hpp"

namespace candar::locust {

namespace detail {

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:g}s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

worker_summary session::run() {
  log(fmt::format("worker {} joining the Locust master at {}", summary_.node_id, endpoint_));
  while (!finished_) {
    auto const now = clock_type::now();
    if (ctx_.done()) {
      goodbye();
      break;
    }
    if (link_.take_disconnected() && acked_) {
      // The master ended or restarted: one that comes back knows nothing of this worker. The users go on,
      // and what they record waits for the next master's ack (or the timeout).
      log("the connection to the Locust master dropped; announcing this worker again");
      rejoin();
      last_spawn_.reset();  // a new master's clock may be behind the old one's
    }
    if (!acked_) {
      if (now >= next_ready_) next_ready_ = send_ready() ? now + ready_interval : now + tick;
      if (now - waiting_since_ > options_.master_timeout) {
        if (ever_acked_) {
          lost("the Locust master at " + endpoint_ + " went away");
        } else {
          end(worker_end::master_unreachable, fmt::format("no Locust master answered at {} within {}", endpoint_,
                                                          seconds_text(options_.master_timeout)));
        }
        break;
      }
    } else {
      if (now >= next_heartbeat_) {
        send_heartbeat();
        next_heartbeat_ = now + heartbeat_interval;
      }
      if (now >= next_report_) {
        send_report();
        next_report_ = now + report_interval;
      }
      if (now - last_delivered_ > options_.master_timeout) {
        lost("the Locust master at " + endpoint_ + " went away");
        break;
      }
      if (master_heartbeats_ && now - last_master_heartbeat_ > options_.master_timeout) {
        lost("the Locust master at " + endpoint_ + " stopped sending heartbeats");
        break;
      }
    }
    auto const wait =
        std::max(std::chrono::milliseconds(1), std::min<std::chrono::milliseconds>(tick, until_next(now)));
    if (auto m = link_.receive(wait)) handle(*m);
  }
  summary_.flow_exceptions = users_.exceptions();
  if (auto const n = link_.malformed(); n > 0) {
    log(fmt::format("{} frame{} from the master {} not Locust messages, and {} ignored", n, n == 1 ? "" : "s",
                    n == 1 ? "was" : "were", n == 1 ? "was" : "were"));
  }
  return summary_;
}

std::chrono::milliseconds session::until_next(clock_type::time_point now) const {
  auto next = acked_ ? std::min(next_heartbeat_, next_report_) : next_ready_;
  return std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
}

void session::stop_users() {
  users_.stop([this] {
    auto const now = clock_type::now();
    if (acked_ && now >= next_heartbeat_) {
      send_heartbeat();
      next_heartbeat_ = now + heartbeat_interval;
    }
  });
}

void session::rejoin() {
  acked_ = false;
  next_ready_ = clock_type::now();
  waiting_since_ = next_ready_;
}

void session::goodbye() {
  stats_access::of(stats_).close();
  if (acked_) {
    send_report();
    link_.send("quit");
  }
  stop_users();
  link_.close(final_report_linger);
  end(worker_end::stopped, "the worker was stopped");
}

void session::lost(std::string reason) {
  stats_access::of(stats_).close();
  stop_users();
  end(worker_end::master_lost,
      fmt::format("{}: no answer for {}, so the worker stopped", reason, seconds_text(options_.master_timeout)));
}

void session::end(worker_end how, std::string reason) {
  if (how == worker_end::master_quit) link_.close(final_report_linger);
  log(reason);
  summary_.end = how;
  summary_.reason = std::move(reason);
  finished_ = true;
}

}  // namespace detail

worker_summary run_worker(runtime& rt, context const& ctx, worker_config const& options) {
  if (options.max_users < 0) {
    throw std::invalid_argument(fmt::format("locust worker: max_users must be >= 0, got {}", options.max_users));
  }
  detail::session s(rt, ctx, options);
  return s.run();
}

}  // namespace candar::locust
