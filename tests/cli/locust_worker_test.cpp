// candar worker against the real thing: Debian's Locust 2.12 master, started headless by the test, driving
// candar workers that load nginx. What the master's --csv says must be what the workers say they reported.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/http_server.hpp"
#include "support/locust_csv.hpp"
#include "support/locust_master.hpp"
#include "support/nginx_server.hpp"

namespace candar {
namespace {

namespace fs = std::filesystem;

// A locustfile as a Locust user would write it: the master reads its user classes from here.
constexpr char const* locustfile = R"(from locust import FastHttpUser, task, constant

class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def index(self):
        self.client.get("/")
)";

struct locust_run {
  fs::path dir;
  unsigned short port = test::closed_port();

  locust_run() {
    dir = fs::path(::testing::TempDir()) / ("candar-locust-" + std::to_string(port));
    fs::create_directories(dir);
    std::ofstream(dir / "locustfile.py") << locustfile;
  }
  ~locust_run() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  // The master, headless: it waits for `workers`, spawns `users` at `rate` per second, ends after `seconds`.
  [[nodiscard]] test::child_process master(std::string const& host, int workers, int users, int rate,
                                           int seconds) const {
    return test::child_process(test::locust_master_argv({.locustfile = dir / "locustfile.py",
                                                         .port = port,
                                                         .workers = workers,
                                                         .users = users,
                                                         .spawn_rate = rate,
                                                         .seconds = seconds,
                                                         .csv_prefix = dir / "out",
                                                         .host = host}));
  }

  [[nodiscard]] test::child_process worker(std::string const& target, std::string const& name,
                                           std::string const& master_timeout = "30",
                                           std::string const& threads = "1") const {
    return test::child_process({CANDAR_BIN, "worker", "--master", "127.0.0.1:" + std::to_string(port), "--target",
                                target, "--threads", threads, "--master-timeout", master_timeout, "--json",
                                (dir / (name + ".json")).string()});
  }

  [[nodiscard]] nlohmann::json summary(std::string const& name) const {
    std::ifstream in(dir / (name + ".json"));
    return nlohmann::json::parse(in, nullptr, false);
  }

  // A row of the master's out_stats.csv ("Aggregated", or a request's name) as its columns.
  [[nodiscard]] std::vector<std::string> stats_row(std::string const& name) const {
    return test::locust_stats_row(dir / "out_stats.csv", name);
  }

  [[nodiscard]] std::string failures_csv() const {
    std::ifstream in(dir / "out_failures.csv");
    return {std::istreambuf_iterator<char>(in), {}};
  }
};

// The worker's node id, from its first line ("worker <id> joining the Locust master at ...").
std::string node_id_of(test::child_process& worker) {
  auto const line = worker.wait_for("joining the Locust master");
  if (!line) return {};
  auto const from = line->find("worker ") + 7;
  return line->substr(from, line->find(' ', from) - from);
}

TEST(locust_worker, the_masters_csv_totals_are_what_two_candar_workers_reported) {
  test::nginx_server nginx("");
  nginx.write_file("index.html", "hello from nginx\n");
  locust_run run;
  auto master = run.master(nginx.url(), 2, 10, 5, 4);
  auto a = run.worker(nginx.url() + "/", "a", "30", "2");  // two loops, one worker to the master
  auto b = run.worker(nginx.url() + "/", "b");

  ASSERT_TRUE(a.wait_for("connected to the Locust master")) << a.output();
  ASSERT_TRUE(b.wait_for("connected to the Locust master")) << b.output();
  EXPECT_EQ(master.wait(), 0) << master.output();
  EXPECT_EQ(a.wait(), 0) << a.output();
  EXPECT_EQ(b.wait(), 0) << b.output();

  auto const sa = run.summary("a");
  auto const sb = run.summary("b");
  ASSERT_TRUE(sa.is_object() && sb.is_object()) << a.output() << b.output();
  EXPECT_EQ(sa["end"], "master_quit");
  EXPECT_EQ(sb["end"], "master_quit");
  auto const reported = sa["requests"].get<std::int64_t>() + sb["requests"].get<std::int64_t>();
  EXPECT_GT(sa["requests"].get<std::int64_t>(), 0);
  EXPECT_GT(sb["requests"].get<std::int64_t>(), 0);

  auto const total = run.stats_row("Aggregated");
  ASSERT_FALSE(total.empty()) << master.output();
  EXPECT_EQ(std::stoll(total[2]), reported) << "the master's Request Count against what the workers reported";
  EXPECT_EQ(std::stoll(total[3]), 0) << "Failure Count";
  auto const get = run.stats_row("/");
  ASSERT_FALSE(get.empty());
  EXPECT_EQ(get[0], "GET");
  EXPECT_EQ(std::stoll(get[2]), reported);
  EXPECT_EQ(std::stod(get[8]), 17.0) << "Average Content Size: the body nginx sends";
  EXPECT_NE(master.output().find("All users spawned"), std::string::npos) << master.output();
  // The worker with two loops is one worker to the master.
  EXPECT_NE(master.output().find("2 workers connected"), std::string::npos) << master.output();
  EXPECT_EQ(master.output().find("3 workers connected"), std::string::npos) << master.output();
}

TEST(locust_worker, a_killed_worker_is_reported_missing_and_the_other_goes_on_with_its_failures_counted) {
  test::nginx_server nginx("");
  locust_run run;
  auto master = run.master(nginx.url(), 2, 6, 6, 8);
  auto survivor = run.worker(nginx.url() + "/missing", "survivor");
  auto victim = run.worker(nginx.url() + "/missing", "victim");
  auto const victim_id = node_id_of(victim);
  ASSERT_FALSE(victim_id.empty()) << victim.output();
  ASSERT_TRUE(master.wait_for("All users spawned")) << master.output();

  victim.signal(SIGKILL);
  EXPECT_EQ(victim.wait(), -1);
  auto const missing = master.wait_for("setting state to missing");
  ASSERT_TRUE(missing) << master.output();
  EXPECT_NE(missing->find(victim_id), std::string::npos) << *missing;

  EXPECT_EQ(master.wait(), 1) << "Locust exits 1 when requests failed\n" << master.output();
  EXPECT_EQ(survivor.wait(), 0) << survivor.output();
  auto const s = run.summary("survivor");
  ASSERT_TRUE(s.is_object()) << survivor.output();
  EXPECT_EQ(s["end"], "master_quit") << "the survivor ran until the master's -t, not until it lost the master";
  auto const requests = s["requests"].get<std::int64_t>();
  EXPECT_GT(requests, 0);
  EXPECT_EQ(s["failures"].get<std::int64_t>(), requests) << "every GET of a missing page is a failure";

  // The master holds the survivor's figures plus what the victim reported before it died.
  auto const total = run.stats_row("Aggregated");
  ASSERT_FALSE(total.empty()) << master.output();
  EXPECT_GE(std::stoll(total[2]), requests);
  EXPECT_EQ(std::stoll(total[3]), std::stoll(total[2])) << "all of them failed";
  EXPECT_GT(std::stod(total[8]), 100.0) << "Average Content Size: nginx's 404 page counts, as Locust counts it";
  auto const failures = run.failures_csv();
  // The master writes an error from a worker as Python's repr() of it, quotes and all, as it does for its own
  // workers' errors.
  EXPECT_NE(failures.find("GET,/missing,'HTTP 404'," + total[3]), std::string::npos) << failures;
}

TEST(locust_worker, ctrl_c_is_a_goodbye_with_a_last_report_and_the_master_moves_its_users) {
  test::nginx_server nginx("");
  nginx.write_file("index.html", "hello\n");
  locust_run run;
  auto master = run.master(nginx.url(), 2, 4, 4, 5);
  auto leaving = run.worker(nginx.url() + "/", "leaving");
  auto staying = run.worker(nginx.url() + "/", "staying");
  auto const leaving_id = node_id_of(leaving);
  ASSERT_TRUE(master.wait_for("All users spawned")) << master.output();

  leaving.signal(SIGINT);
  EXPECT_EQ(leaving.wait(), 0) << leaving.output();
  auto const quit = master.wait_for("quit.");
  ASSERT_TRUE(quit) << master.output();
  EXPECT_NE(quit->find(leaving_id), std::string::npos) << *quit;
  EXPECT_EQ(master.wait(), 0) << master.output();
  // The master gave the leaver's users to the one that stays (it logs that before the quit).
  EXPECT_NE(master.output().find("Sending spawn jobs of 4 users at 4.00 spawn rate to 1 ready workers"),
            std::string::npos)
      << master.output();
  EXPECT_EQ(staying.wait(), 0) << staying.output();

  auto const a = run.summary("leaving");
  auto const b = run.summary("staying");
  EXPECT_EQ(a["end"], "stopped");
  EXPECT_EQ(b["end"], "master_quit");
  // The leaver's last report, sent with its goodbye, is in the master's totals: nothing it counted is lost.
  auto const total = run.stats_row("Aggregated");
  ASSERT_FALSE(total.empty()) << master.output();
  EXPECT_EQ(std::stoll(total[2]), a["requests"].get<std::int64_t>() + b["requests"].get<std::int64_t>());
}

TEST(locust_worker, a_master_that_goes_away_makes_the_worker_stop_by_itself) {
  test::nginx_server nginx("");
  locust_run run;
  auto master = run.master(nginx.url(), 1, 4, 4, 600);
  auto worker = run.worker(nginx.url() + "/", "w", "2");
  ASSERT_TRUE(master.wait_for("All users spawned")) << master.output();
  ASSERT_TRUE(worker.wait_for("connected to the Locust master")) << worker.output();

  master.signal(SIGKILL);
  auto const killed_at = std::chrono::steady_clock::now();
  EXPECT_EQ(worker.wait(), 1) << worker.output();
  auto const took = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  // The bound is --master-timeout (2 s); the test's own limit is generous, as the machine may be busy.
  EXPECT_LT(took, 60.0);
  EXPECT_NE(worker.output().find("went away: no answer for 2s, so the worker stopped"), std::string::npos)
      << worker.output();
  auto const s = run.summary("w");
  EXPECT_EQ(s["end"], "master_lost");
  std::cout << "the worker stopped " << took << " s after the master was killed\n";
}

TEST(locust_worker, a_master_restarted_on_its_port_gets_the_worker_back) {
  test::nginx_server nginx("");
  nginx.write_file("index.html", "hello\n");
  locust_run run;
  auto first = run.master(nginx.url(), 1, 2, 2, 600);
  auto worker = run.worker(nginx.url() + "/", "w", "30");
  ASSERT_TRUE(first.wait_for("All users spawned")) << first.output();
  first.signal(SIGKILL);
  EXPECT_EQ(first.wait(), -1);
  ASSERT_TRUE(worker.wait_for("the connection to the Locust master dropped")) << worker.output();

  // The new master knows nothing of the worker: it must announce itself again, and take the new spawn.
  auto second = run.master(nginx.url(), 1, 3, 3, 3);
  EXPECT_EQ(second.wait(), 0) << second.output();
  EXPECT_EQ(worker.wait(), 0) << worker.output();
  auto const s = run.summary("w");
  EXPECT_EQ(s["end"], "master_quit") << worker.output();
  auto const total = run.stats_row("Aggregated");
  ASSERT_FALSE(total.empty()) << second.output();
  EXPECT_GT(std::stoll(total[2]), 0) << "the second master got requests from the worker";
  EXPECT_NE(second.output().find("All users spawned"), std::string::npos) << second.output();
}

// A master that sends what no Locust master sends: frames that are not msgpack, messages of the wrong shape,
// counts that are negative, huge or not numbers, keys that are not strings. The worker ignores them all and
// goes on with what is well formed. (Python's zmq and msgpack come with python3-locust.)
constexpr char const* broken_master = R"(import sys, time, zmq, msgpack
ctx = zmq.Context()
s = ctx.socket(zmq.ROUTER)
s.bind("tcp://127.0.0.1:" + sys.argv[1])
def recv(kind, limit=30):
    end = time.time() + limit
    while time.time() < end:
        if s.poll(100):
            ident, frame = s.recv_multipart()
            msg = msgpack.unpackb(frame, raw=False, strict_map_key=False)
            if msg[0] == kind:
                return ident, msg
    sys.exit("no " + kind + " from the worker")
ident, _ = recv("client_ready")
def send(*parts):
    s.send_multipart([ident, *parts])
send(b"\xff\xfe not msgpack")
send(msgpack.packb(["spawn", {"user_classes_count": {"Visitor": 1}}, "m"]))  # before the ack
send(msgpack.packb(["ack", {"index": 0}, "m"]))
send(msgpack.packb("not an array"))
send(msgpack.packb([42, None, "m"]))
send(msgpack.packb(["spawn", "not a map", "m"]))
send(msgpack.packb(["spawn", {"timestamp": "x", "user_classes_count": [1, 2]}, "m"]))
send(msgpack.packb(["spawn", {"timestamp": 1.0, "user_classes_count": {"Visitor": -5, 7: 3, "Big": 1e30, "S": "x"}}, "m"]))
send(b"\x91" * 5000 + b"\xc0")  # nested deeper than any message
send(b"x", b"a second frame")
send(msgpack.packb(["spawn", {"timestamp": 2.0, "user_classes_count": {"Visitor": 2}}, "m"]))
while True:  # the spawns with nothing usable in them are answered with 0 users
    _, done = recv("spawning_complete")
    if done[1]["user_count"] != 0:
        break
print("spawning_complete", done[1]["user_count"], flush=True)
_, stats = recv("stats")
print("stats", sorted(stats[1].keys()), flush=True)
send(msgpack.packb(["quit", None, "m"]))
time.sleep(0.5)
)";

TEST(locust_worker, a_broken_master_cannot_crash_the_worker) {
  test::nginx_server nginx("");
  nginx.write_file("index.html", "hello\n");
  locust_run run;
  std::ofstream(run.dir / "broken_master.py") << broken_master;
  test::child_process master({"/usr/bin/python3", (run.dir / "broken_master.py").string(), std::to_string(run.port)});
  auto worker = run.worker(nginx.url() + "/", "w", "30");
  EXPECT_EQ(master.wait(), 0) << master.output() << worker.output();
  EXPECT_NE(master.output().find("spawning_complete 2\n"), std::string::npos) << master.output();
  EXPECT_NE(master.output().find("stats ['errors', 'stats', 'stats_total', 'user_classes_count', 'user_count']"),
            std::string::npos)
      << master.output();
  EXPECT_EQ(worker.wait(), 0) << worker.output();
  EXPECT_EQ(run.summary("w")["end"], "master_quit");
  // Not msgpack, not an array, a type that is not a string, too deep, two frames.
  EXPECT_NE(worker.output().find("5 frames from the master were not Locust messages, and were ignored"),
            std::string::npos)
      << worker.output();
}

TEST(locust_worker, no_master_is_a_clear_error_not_a_hang) {
  locust_run run;  // nothing listens on its port
  auto worker = run.worker("http://127.0.0.1:1/", "w", "0.5");
  EXPECT_EQ(worker.wait(), 1) << worker.output();
  EXPECT_NE(
      worker.output().find("no Locust master answered at tcp://127.0.0.1:" + std::to_string(run.port) + " within 0.5s"),
      std::string::npos)
      << worker.output();
  EXPECT_EQ(run.summary("w")["end"], "master_unreachable");
}

}  // namespace
}  // namespace candar
