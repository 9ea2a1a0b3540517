#pragma once
// A worker of a Locust master (Locust 2.x): candar's users make the load, Locust's master schedules them,
// gathers the statistics of all its workers and shows them (web UI, --csv, --html), as it does for its own
// Python workers. A worker joins the master over ZeroMQ, runs as many users of each user class as the master
// asks (it paces the ramp-up: each spawn message is an absolute count), reports what its users recorded every
// 3 seconds, sends a heartbeat every second, and ends when the master quits, when the master is gone for longer
// than master_timeout, or when `ctx` ends (a clean goodbye). Every loop of the runtime runs users: the whole
// process is one worker to the master.
//
//   candar::runtime rt;
//   candar::locust::worker_config o;
//   o.flows["Visitor"] = [](candar::context const& ctx, candar::locust::request_stats& stats) -> awaitable<void> {
//     ... one iteration of a Visitor: requests, each reported with stats.success(...) or stats.failure(...)
//   };
//   auto summary = candar::locust::run_worker(rt, ctx, o);
//
// Or, with flows whose agents record into an endpoint_metrics (agent_options::metrics, as a contest's do), set
// o.metrics to it: every request they make reaches the master, and the flows call nothing themselves.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"
#include "candar/locust/request_stats.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar::locust {

// One iteration of a user of a class (a Locust task): called again and again, on one of the runtime's loops,
// while the master wants that many users. `ctx` ends when the users are stopped; pass it on, so that an
// iteration ends then. Things Locust's users have that a flow does itself:
//   - waiting between tasks (Locust's wait_time): sleep in the flow (candar::sleep(ctx, ...));
//   - per-user state (on_start's login, cookies): take a user from a pool (candar/users) in each iteration;
//   - the host: the master's -H is not used; the flows know their target.
// When the master lowers a class's count, the users over it end after their current iteration (Locust kills
// them mid-task): keep an iteration short.
using user_flow = std::function<boost::asio::awaitable<void>(context const& ctx, request_stats& stats)>;

struct worker_config {
  std::string master_host = "127.0.0.1";
  std::uint16_t master_port = 5557;
  // User class name (as in the locustfile the master runs) -> what its users do.
  std::map<std::string, user_flow, std::less<>> flows;
  // What users of a class missing from `flows` do; empty: the master is told the class is unknown to this
  // worker, and it runs none of them.
  user_flow default_flow;
  // Requests recorded here are reported to the master too: give the flows' agents this as their
  // agent_options::metrics, and they need no success()/failure() calls (request_stats::take_requests_from).
  // Must outlive run_worker().
  endpoint_metrics* metrics = nullptr;
  // Users this worker runs at most, all classes together, whatever the master asks (each user is a coroutine
  // and its flow's memory): past it, the classes get what is left in the master's order, and the master is told
  // (an exception on its table, and the real counts in spawning_complete).
  std::int64_t max_users = 100'000;
  // How long the worker waits for a master it cannot reach or has lost before it ends.
  std::chrono::milliseconds master_timeout = std::chrono::seconds(60);
  // Lines about the session ("connected to ...", "the master quit"), for a log; empty: none.
  std::function<void(std::string const&)> log;
};

enum class worker_end : std::uint8_t {
  master_quit,         // the master ended the test (its -t, or it was stopped)
  master_lost,         // the master was gone for longer than master_timeout
  master_unreachable,  // no master answered within master_timeout
  stopped,             // ctx ended: the worker said goodbye to the master
};

struct worker_summary {
  worker_end end = worker_end::stopped;
  std::string reason;   // one sentence on why the worker ended
  std::string node_id;  // how the master names this worker ("host_<32 hex>")
  // What was sent to the master, in all: the figures its statistics took from this worker, unless the
  // connection dropped with a report on its way.
  std::int64_t requests = 0;
  std::int64_t failures = 0;
  std::int64_t reports = 0;
  // Iterations that ended in an exception; the first few messages of each report's interval go to the master.
  std::int64_t flow_exceptions = 0;
};

// Blocks until the worker ends; the users run on `rt`'s loops, which must run until then. Call it from a thread
// of your own (main), not from one of `rt`'s loops. Throws std::invalid_argument when the master's address is
// one ZeroMQ cannot use, or max_users is negative.
worker_summary run_worker(runtime& rt, context const& ctx, worker_config const& options);

}  // namespace candar::locust
