// The Locust worker's session (docs/locust-worker-protocol.md): one thread speaks to the master, the runtime's
// loops run the users. The session thread waits on the master's socket with a short timeout, so heartbeats,
// reports and the end of `ctx` are each handled within 100 ms of when they are due.
#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "candar/locust/worker.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/process_usage.hpp"
#include "master_link.hpp"
#include "stats_report.hpp"
#include "user_classes.hpp"
#include "worker_messages.hpp"

namespace candar::locust::detail {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto heartbeat_interval = 1s;  // Locust's HEARTBEAT_INTERVAL: the master counts 3 missed as missing
constexpr auto report_interval = 3s;     // Locust's WORKER_REPORT_INTERVAL
constexpr auto ready_interval = 5s;      // client_ready is sent again until the master acks it
constexpr auto tick = 100ms;
constexpr auto final_report_linger = 2s;  // how long the last report may take to leave at the end

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

  worker_summary run();

 private:
  std::string const& summary_node_id() {
    summary_.node_id = make_node_id();
    return summary_.node_id;
  }

  std::chrono::milliseconds until_next(clock_type::time_point now) const;

  void log(std::string const& line) const {
    if (options_.log) options_.log(line);
  }

  bool send_ready();

  void delivered(bool ok);

  void send_heartbeat();

  // What was recorded since the last report goes to the master; a report that cannot go (no master connected)
  // is kept and goes with the next one, so that nothing counted is lost to a short disconnection.
  bool send_report();

  void handle(master_message const& m);

  // Stops every user; a flow that takes long to end its iteration does not silence the heartbeats meanwhile.
  void stop_users();

  void rejoin();

  void spawn(msgpack::value const& data);

  // An exception on the master's table (and in the log): what a Python worker's failure would show there.
  void tell_master(std::string const& text);

  // ctx ended: the last report, then "quit", which the master takes as this worker's goodbye.
  void goodbye();

  void lost(std::string reason);

  void end(worker_end how, std::string reason);

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

}  // namespace candar::locust::detail
