// The Locust worker's session (docs/locust-worker-protocol.md): one thread speaks to the master, the runtime's
// loops run the users. The session thread waits on the master's socket with a short timeout, so heartbeats,
// reports and the end of `ctx` are each handled within 100 ms of when they are due.
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "candar/locust/worker.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/process_usage.hpp"
#include "master_link.hpp"
#include "spawn_plan.hpp"
#include "stats_report.hpp"
#include "user_classes.hpp"
#include "worker_messages.hpp"

namespace candar::locust {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto heartbeat_interval = 1s;  // Locust's HEARTBEAT_INTERVAL: the master counts 3 missed as missing
constexpr auto report_interval = 3s;     // Locust's WORKER_REPORT_INTERVAL
constexpr auto ready_interval = 5s;      // client_ready is sent again until the master acks it
constexpr auto tick = 100ms;
constexpr auto final_report_linger = 2s;  // how long the last report may take to leave at the end

std::string seconds_text(std::chrono::milliseconds d) { return fmt::format("{:g}s", static_cast<double>(d.count()) / 1000.0); }

class session {
 public:
  session(runtime& rt, context const& ctx, worker_config const& options)
      : loops_(std::max<std::size_t>(1, rt.size())),
        ctx_(ctx),
        options_(options),
        endpoint_(fmt::format("tcp://{}:{}", options.master_host, options.master_port)),
        link_(endpoint_, summary_node_id()),
        users_(rt, ctx, options, stats_) {
    if (options_.metrics != nullptr) stats_.take_requests_from(*options_.metrics);
  }

  ~session() {
    users_.stop();
    if (options_.metrics != nullptr) options_.metrics->set_observer({});  // it points at stats_, going now
  }
  session(session const&) = delete;
  session& operator=(session const&) = delete;

  worker_summary run() {
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
            end(worker_end::master_unreachable,
                fmt::format("no Locust master answered at {} within {}", endpoint_, seconds_text(options_.master_timeout)));
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
      auto const wait = std::max(std::chrono::milliseconds(1), std::min<std::chrono::milliseconds>(tick, until_next(now)));
      if (auto m = link_.receive(wait)) handle(*m);
    }
    summary_.flow_exceptions = users_.exceptions();
    if (auto const n = link_.malformed(); n > 0) {
      log(fmt::format("{} frame{} from the master {} not Locust messages, and {} ignored", n, n == 1 ? "" : "s",
                      n == 1 ? "was" : "were", n == 1 ? "was" : "were"));
    }
    return summary_;
  }

 private:
  std::string const& summary_node_id() {
    summary_.node_id = make_node_id();
    return summary_.node_id;
  }

  std::chrono::milliseconds until_next(clock_type::time_point now) const {
    auto next = acked_ ? std::min(next_heartbeat_, next_report_) : next_ready_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
  }

  void log(std::string const& line) const {
    if (options_.log) options_.log(line);
  }

  bool send_ready() {
    // -1: "skip the version check" (Locust's own workers send their version); any master version is accepted.
    return link_.send("client_ready", msgpack::writer().integer(-1).bytes());
  }

  void delivered(bool ok) {
    if (ok) last_delivered_ = clock_type::now();
  }

  void send_heartbeat() {
    auto const now = clock_type::now();
    double const cpu = process_cpu_seconds();
    double const wall = std::chrono::duration<double>(now - cpu_measured_at_).count();
    // Of the cores the worker's loops can use: the master warns at 90 %, meant for a one-core Python worker.
    double const percent = wall > 0 ? (cpu - cpu_at_) / wall * 100.0 / static_cast<double>(loops_) : 0.0;
    cpu_at_ = cpu;
    cpu_measured_at_ = now;
    delivered(link_.send("heartbeat", heartbeat_body(state_, percent, process_resident_bytes())));
  }

  // What was recorded since the last report goes to the master; a report that cannot go (no master connected)
  // is kept and goes with the next one, so that nothing counted is lost to a short disconnection.
  bool send_report() {
    auto report = stats_access::of(stats_).take();
    if (pending_) {
      pending_->merge(std::move(report));
      report = std::move(*pending_);
      pending_.reset();
    }
    msgpack::writer w;
    report.write(w, users_.counts());
    bool const ok = link_.send("stats", w.bytes());
    delivered(ok);
    if (ok) {
      summary_.requests += report.total.num_requests;
      summary_.failures += report.total.num_failures;
      ++summary_.reports;
    } else {
      pending_ = std::move(report);
    }
    for (auto const& what : users_.take_exceptions()) {
      link_.send("exception", exception_body(what, "a candar worker's user flow threw: " + what));
    }
    return ok;
  }

  void handle(master_message const& m) {
    if (m.type == "ack") {
      if (acked_) return;
      acked_ = true;
      ever_acked_ = true;
      auto const index = m.data.find("index");
      log(fmt::format("connected to the Locust master at {} (worker index {})", endpoint_,
                      index && index->as_integer() ? *index->as_integer() : -1));
      auto const now = clock_type::now();
      last_delivered_ = now;
      next_heartbeat_ = now;
      next_report_ = now + report_interval;
      state_ = "ready";
    } else if (m.type == "spawn") {
      spawn(m.data);
    } else if (m.type == "stop") {
      stop_users();
      state_ = "stopped";
      send_report();
      link_.send("client_stopped");
      log("the master stopped the test; waiting for the next one");
      state_ = "ready";
      rejoin();
    } else if (m.type == "quit") {
      // The master waits only half a second for the last report: it goes before the users are stopped, and
      // nothing recorded after it is counted anywhere.
      stats_access::of(stats_).close();
      send_report();
      stop_users();
      end(worker_end::master_quit, "the Locust master ended the test");
    } else if (m.type == "reconnect") {
      // The master could not read a message of ours: a new socket, and the users go on (as Locust's do).
      log("the master asked the worker to reconnect");
      link_.reconnect();
      rejoin();
    } else if (m.type == "heartbeat") {  // Locust 2.19+ masters send them too
      master_heartbeats_ = true;
      last_master_heartbeat_ = clock_type::now();
    }
  }

  // Stops every user; a flow that takes long to end its iteration does not silence the heartbeats meanwhile.
  void stop_users() {
    users_.stop([this] {
      auto const now = clock_type::now();
      if (acked_ && now >= next_heartbeat_) {
        send_heartbeat();
        next_heartbeat_ = now + heartbeat_interval;
      }
    });
  }

  void rejoin() {
    acked_ = false;
    next_ready_ = clock_type::now();
    waiting_since_ = next_ready_;
  }

  void spawn(msgpack::value const& data) {
    if (!acked_) return;  // a spawn before the ack is not for this session
    auto const message = read_spawn(data);
    if (!message) return;
    if (message->timestamp) {
      // Locust sends each spawn once; one that is not newer than the last was already applied.
      if (last_spawn_ && *message->timestamp <= *last_spawn_) return;
      last_spawn_ = message->timestamp;
    }
    auto const plan = plan_spawn(message->asked, options_.max_users, [this](std::string const& name) {
      return static_cast<bool>(options_.default_flow) || options_.flows.contains(name);
    });
    if (plan.capped && !capped_) {  // once per ramp-up over the limit, not at each of its spawn messages
      tell_master(fmt::format("the master asked this candar worker for {} users; it runs at most {} "
                              "(worker_config::max_users)", plan.asked, options_.max_users));
    }
    capped_ = plan.capped;
    state_ = "spawning";
    link_.send("spawning");
    for (auto const& name : users_.set(plan.counts)) {
      if (warned_unknown_.insert(name).second) {
        tell_master(fmt::format("this candar worker has no flow for the user class {}: it runs none of them", name));
      }
    }
    delivered(link_.send("spawning_complete", spawning_complete_body(users_.counts())));
    state_ = "running";
  }

  // An exception on the master's table (and in the log): what a Python worker's failure would show there.
  void tell_master(std::string const& text) {
    log(text);
    link_.send("exception", exception_body(text, text));
  }

  // ctx ended: the last report, then "quit", which the master takes as this worker's goodbye.
  void goodbye() {
    stats_access::of(stats_).close();
    if (acked_) {
      send_report();
      link_.send("quit");
    }
    stop_users();
    link_.close(final_report_linger);
    end(worker_end::stopped, "the worker was stopped");
  }

  void lost(std::string reason) {
    stats_access::of(stats_).close();
    stop_users();
    end(worker_end::master_lost,
        fmt::format("{}: no answer for {}, so the worker stopped", reason, seconds_text(options_.master_timeout)));
  }

  void end(worker_end how, std::string reason) {
    if (how == worker_end::master_quit) link_.close(final_report_linger);
    log(reason);
    summary_.end = how;
    summary_.reason = std::move(reason);
    finished_ = true;
  }

  std::size_t const loops_;
  context const ctx_;
  worker_config const& options_;
  worker_summary summary_;
  std::string const endpoint_;
  master_link link_;
  request_stats stats_;
  user_classes users_;
  bool finished_ = false;
  bool acked_ = false;
  bool ever_acked_ = false;  // once acked, a master out of reach is a lost one, not one never reached
  std::string state_ = "ready";
  clock_type::time_point waiting_since_ = clock_type::now();
  clock_type::time_point next_ready_ = waiting_since_;
  clock_type::time_point next_heartbeat_{}, next_report_{}, last_delivered_{};
  bool master_heartbeats_ = false;
  clock_type::time_point last_master_heartbeat_{};
  double cpu_at_ = process_cpu_seconds();
  clock_type::time_point cpu_measured_at_ = clock_type::now();
  std::optional<double> last_spawn_;
  std::optional<stats_report> pending_;
  std::set<std::string> warned_unknown_;
  bool capped_ = false;  // the last spawn asked for more than max_users
};

}  // namespace

worker_summary run_worker(runtime& rt, context const& ctx, worker_config const& options) {
  if (options.max_users < 0) {
    throw std::invalid_argument(fmt::format("locust worker: max_users must be >= 0, got {}", options.max_users));
  }
  session s(rt, ctx, options);
  return s.run();
}

}  // namespace candar::locust
