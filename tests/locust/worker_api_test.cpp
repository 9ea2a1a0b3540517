// The kit's side of the Locust worker: a benchmarker maps the user classes of the master's locustfile to flows
// of its own (candar/locust/worker.hpp). Run in-process against Debian's Locust 2.12 master and nginx.
#include "candar/locust/worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "candar/agent/agent.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "support/child_process.hpp"
#include "support/http_server.hpp"
#include "support/locust_csv.hpp"
#include "support/locust_master.hpp"
#include "support/nginx_server.hpp"

namespace candar::locust {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

// Three classes with fixed counts, so that the master's plan for 5 users is exact: Reader 3, Writer 1, Ghost 1.
constexpr char const* locustfile = R"(from locust import HttpUser, task, constant

class Reader(HttpUser):
    fixed_count = 3
    wait_time = constant(0)
    @task
    def read(self):
        self.client.get("/read.txt")

class Writer(HttpUser):
    fixed_count = 1
    wait_time = constant(0)
    @task
    def write(self):
        self.client.get("/write.txt")

class Ghost(HttpUser):
    fixed_count = 1
    wait_time = constant(0)
    @task
    def nothing(self):
        pass
)";

// Requests a class's users made, and how many of them were ever in flight at once.
struct class_figures {
  std::atomic<std::int64_t> requests{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> most_in_flight{0};
};

std::int64_t csv_count(fs::path const& csv, std::string const& name) {
  auto const row = test::locust_stats_row(csv, name);
  return row.empty() ? -1 : std::stoll(row[2]);
}

TEST(locust_worker_api, each_user_class_runs_its_own_flow_with_the_users_the_master_asked_for) {
  test::nginx_server nginx("");
  nginx.write_file("read.txt", "read\n");
  nginx.write_file("write.txt", "write\n");
  auto const port = test::closed_port();
  auto const dir = fs::path(::testing::TempDir()) / ("candar-locust-api-" + std::to_string(port));
  fs::create_directories(dir);
  std::ofstream(dir / "locustfile.py") << locustfile;
  test::child_process master(test::locust_master_argv({.locustfile = dir / "locustfile.py",
                                                       .port = port,
                                                       .users = 5,
                                                       .spawn_rate = 5,
                                                       .seconds = 3,
                                                       .csv_prefix = dir / "out",
                                                       .host = nginx.url()}));

  runtime rt(2);
  class_figures reader, writer;
  agent_options agents;
  agents.base_url = nginx.url();
  // One flow for both classes, parameterised: what a contest's flows look like, one agent per iteration.
  auto const flow = [&agents](class_figures& figures, std::string path) -> user_flow {
    return [&agents, &figures, path](context const&, request_stats& stats) -> asio::awaitable<void> {
      agent a(runtime::current_executor(), agents);
      auto const now = figures.in_flight.fetch_add(1) + 1;
      auto most = figures.most_in_flight.load();
      while (now > most && !figures.most_in_flight.compare_exchange_weak(most, now)) {
      }
      auto res = co_await a.get(path).send();
      figures.in_flight.fetch_sub(1);
      // Counted here only when the statistics took it: after the master's quit, nothing is.
      if (res && res->status == 200 && stats.success("GET", path, res->time.total, res->body.size())) {
        figures.requests.fetch_add(1);
      }
    };
  };
  worker_config options;
  options.master_port = port;
  options.master_timeout = std::chrono::seconds(30);
  options.flows["Reader"] = flow(reader, "/read.txt");
  // Writer's requests reach the master through the agent's metrics, as a contest's flows record them: the flow
  // itself reports nothing.
  endpoint_metrics metrics;
  agent_options recorded = agents;
  recorded.metrics = &metrics;
  options.metrics = &metrics;
  options.flows["Writer"] = [&recorded, &writer](context const&, request_stats&) -> asio::awaitable<void> {
    agent a(runtime::current_executor(), recorded);
    auto const now = writer.in_flight.fetch_add(1) + 1;
    auto most = writer.most_in_flight.load();
    while (now > most && !writer.most_in_flight.compare_exchange_weak(most, now)) {
    }
    co_await a.get("/write.txt").send();
    co_await a.get("/absent.txt").send();  // a 404: a failure on the master's table
    writer.in_flight.fetch_sub(1);
  };
  std::mutex log_mutex;
  std::vector<std::string> log;
  options.log = [&](std::string const& line) {
    std::lock_guard lock(log_mutex);
    log.push_back(line);
  };

  auto const summary = run_worker(rt, context::background(), options);
  rt.stop();
  // The master exits 1: this worker sent it an exception, for the class it has no flow for.
  EXPECT_EQ(master.wait(), 1) << master.output();

  EXPECT_EQ(summary.end, worker_end::master_quit) << summary.reason;
  EXPECT_EQ(reader.most_in_flight.load(), 3) << "Reader's fixed_count";
  EXPECT_EQ(writer.most_in_flight.load(), 1) << "Writer's fixed_count";
  EXPECT_GT(reader.requests.load(), 0);
  EXPECT_EQ(csv_count(dir / "out_stats.csv", "/read.txt"), reader.requests.load());
  // Writer's rows: what the agent recorded in the metrics, up to the last report (requests that ended after it,
  // before the users were stopped, are in the metrics only). Its one user's requests alternate, and the master
  // has a prefix of them: as many 404s as writes, or one fewer.
  auto const recorded_writes = metrics.snapshot()["GET /write.txt"].requests;
  auto const writes = csv_count(dir / "out_stats.csv", "/write.txt");
  EXPECT_GT(writes, 0);
  EXPECT_LE(static_cast<std::uint64_t>(writes), recorded_writes);
  auto const absent = csv_count(dir / "out_stats.csv", "/absent.txt");
  EXPECT_GE(absent, writes - 1);
  EXPECT_LE(absent, writes);
  EXPECT_EQ(summary.requests, reader.requests.load() + writes + absent);
  EXPECT_EQ(summary.failures, absent) << "the 404s, and nothing else";
  bool ghost_named = false;
  for (auto const& line : log)
    ghost_named = ghost_named || line.find("no flow for the user class Ghost") != std::string::npos;
  EXPECT_TRUE(ghost_named);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

TEST(locust_worker_api, a_negative_user_cap_is_refused) {
  runtime rt(1);
  locust::worker_config o;
  o.max_users = -1;
  EXPECT_THROW((void)locust::run_worker(rt, context::background(), o), std::invalid_argument);
}

}  // namespace
}  // namespace candar::locust
