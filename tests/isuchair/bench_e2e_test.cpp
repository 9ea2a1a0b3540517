// isuchair-bench against isuchair-webapp, both the built executables, as a contestant and a CI job run them.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include <nlohmann/json.hpp>

#include "isuchair/bench_process.hpp"

namespace isuchair {
namespace {

using candar::test::child_process;
using nlohmann::json;
using namespace isuchair::test;

TEST(isuchair_bench, a_correct_webapp_passes_with_every_flow_scored) {
  webapp app;
  auto const r = run_bench(app.url(), short_run);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("pass").get<bool>());
  EXPECT_GT(r.result.at("score").get<std::int64_t>(), 0);
  EXPECT_FALSE(r.result.at("interrupted").get<bool>());
  EXPECT_EQ(r.result.at("implementation"), "isuchair-cpp (naive)");
  for (auto const* tag :
       {"login", "page", "home", "reward", "presents", "receive", "gacha", "register", "banned-refused", "static"}) {
    EXPECT_GT(r.result.at("breakdown").at(tag).at("count").get<std::int64_t>(), 0) << tag << "\n" << r.out;
  }
  // The refresh was published and the old version refused: flows met it and started again, with no error.
  EXPECT_EQ(r.result.at("breakdown").at("admin-master").at("count"), 1) << r.out;
  EXPECT_NE(r.out.find("master data refresh: publishing version"), std::string::npos) << r.out;
  EXPECT_EQ(r.result.at("errors").at("total"), 0) << r.result.at("errors").dump(2);
  EXPECT_GE(r.result.at("load_levels").size(), 1U);
  EXPECT_GT(r.result.at("endpoints").at("POST /api/login").at("requests").get<std::int64_t>(), 0);
  EXPECT_GT(r.result.at("benchmarker").at("cpu_seconds").get<double>(), 0.0);
  EXPECT_TRUE(r.result.at("phases").at("validate").at("ran").get<bool>());
  EXPECT_NE(r.out.find("PASS: score "), std::string::npos) << r.out;
  EXPECT_EQ(r.result.at("valid"), true) << r.result.at("benchmarker").dump();  // not starved: comparable
}

struct fault_case {
  std::string fault;
  std::string category;  // the category the error is counted under
  std::string message;   // a part of the first message: the endpoint, and what was wrong
};

// Test names show the switch, not the bytes of the case.
void PrintTo(fault_case const& c, std::ostream* os) { *os << c.fault; }

// The error the fault causes is counted under its category, and one of the kept messages says what it was.
void expect_reported(json const& result, fault_case const& c) {
  auto const& errors = result.at("errors");
  EXPECT_GT(errors.at("by_category").value(c.category, 0), 0) << errors.dump(2);
  EXPECT_TRUE(some_message_holds(errors, c.message)) << "no message holds '" << c.message << "':\n" << errors.dump(2);
}

// The faults that can also be switched on after the first requests (--faults-after), and the ones that cannot.
std::vector<fault_case> const faults_under_load{
    {"wrong-chairs", "validation", "GET /api/users/:id/home: $.user.chairs: expected "},
    {"ignore-version", "validation", "POST /api/login: expected status 422, got "},
    {"admit-banned", "validation", "POST /api/login: expected status 403, got 200"},
    {"error-reward", "scenario", "POST /api/users/:id/reward: expected status 200, got 500"},
    {"no-cache-headers", "validation", "has no ETag header"},
    {"no-validators", "validation", "has no ETag header"},
    {"garbage-static", "validation", "GET /static/app.css: the body differs from the expected asset: 9 bytes"},
    {"no-auth", "validation", "GET /api/users/:id/home: expected status 401, got 200"},
    {"foreign-user", "validation", "GET /api/users/:id/home: expected status 403, got 200"},
    {"double-reward", "validation", "POST /api/users/:id/reward: expected status 409, got 200"},
    {"free-gacha", "validation", "POST /api/users/:id/gacha: expected status 409, got 200"},
    {"stale-home", "validation", "GET /api/users/:id/home: $."},  // whichever field changed first
};
std::vector<fault_case> const faults_from_the_start{
    {"slow-gacha", "scenario", "POST /api/users/:id/gacha: "},
};
std::vector<fault_case> every_fault() {
  auto all = faults_under_load;
  all.insert(all.end(), faults_from_the_start.begin(), faults_from_the_start.end());
  return all;
}

class isuchair_fault : public ::testing::TestWithParam<fault_case> {};

TEST_P(isuchair_fault, fails_the_run_naming_the_endpoint) {
  auto const& c = GetParam();
  webapp app({"--fault", c.fault, "--slow-ms", "4000"});
  auto args = short_run;
  // Only the slow fault needs a short step timeout; the others keep the default, which a sanitized webapp on a
  // busy machine cannot reach by accident before the fault shows.
  if (c.fault == "slow-gacha") args.insert(args.end(), {"--step-timeout", "1"});
  auto const r = run_bench(app.url(), args);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_FALSE(r.result.at("pass").get<bool>());
  expect_reported(r.result, c);
}

INSTANTIATE_TEST_SUITE_P(each_switch, isuchair_fault, ::testing::ValuesIn(every_fault()), switch_name<fault_case>);

// The same bugs appearing only once the webapp is under load (after Prepare's requests): the Load phase's checks
// find them, and the run fails or loses score.
class isuchair_fault_under_load : public ::testing::TestWithParam<fault_case> {};

TEST_P(isuchair_fault_under_load, is_found_by_the_load_phase) {
  auto const& c = GetParam();
  webapp app({"--fault", c.fault, "--faults-after", "60"});
  auto const r = run_bench(app.url(), short_run);
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_FALSE(r.result.at("phases").at("prepare").at("failed").get<bool>()) << r.out;
  EXPECT_TRUE(r.result.at("phases").at("load").at("ran").get<bool>()) << r.out;
  expect_reported(r.result, c);
  // A critical error fails the run; a scenario error costs its deduction.
  if (c.category == "validation") {
    EXPECT_EQ(r.exit_code, 1) << r.out;
  } else {
    EXPECT_GT(r.result.at("deduction").get<std::int64_t>(), 0) << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(each_switch, isuchair_fault_under_load, ::testing::ValuesIn(faults_under_load),
                         switch_name<fault_case>);

TEST(isuchair_bench, prepare_only_checks_the_webapp_and_scores_nothing) {
  webapp app;
  auto const r = run_bench(app.url(), {"--prepare-only"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(r.result.at("pass").get<bool>());
  // Prepare's validation pass made every kind of request, but only the Load phase scores.
  EXPECT_EQ(r.result.at("score"), 0) << r.out;
  EXPECT_GT(r.result.at("endpoints").at("POST /api/users/:id/gacha").at("requests").get<std::int64_t>(), 0);
}

// Starts a 60 s run, sends `signals` once Prepare has passed, and returns the exit code, the output and the
// result file: what an operator pressing Ctrl-C (once or twice) gets.
bench_run interrupt_run(std::vector<int> const& signals, std::vector<std::string> const& args = {}) {
  webapp app;
  auto const file = temp_path("interrupted.json");
  std::vector<std::string> all = {"--duration", "60"};
  all.insert(all.end(), args.begin(), args.end());
  child_process bench(bench_argv(app.url(), file, all));
  bench_run r;
  if (!bench.wait_for("prepare: the validation pass succeeded")) {
    r.out = bench.output();
    return r;
  }
  for (int const sig : signals) bench.signal(sig);
  r.exit_code = bench.wait();
  r.out = bench.output();
  std::ifstream in(file);
  if (in) r.result = json::parse(in, nullptr, false);
  return r;
}

TEST(isuchair_bench, an_interrupted_run_still_writes_its_result) {
  auto const r = interrupt_run({SIGINT});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("interrupted").get<bool>());
  EXPECT_FALSE(r.result.at("pass").get<bool>());
  EXPECT_LT(r.result.at("benchmarker").at("wall_seconds").get<double>(), 60.0);
  EXPECT_NE(r.out.find("interrupted"), std::string::npos) << r.out;
}

TEST(isuchair_bench, a_second_signal_stops_at_once_and_still_leaves_a_result) {
  auto const stream_file = temp_path("stopped.jsonl");
  int const fd = ::open(stream_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);  // inherited by the child
  ASSERT_GE(fd, 0);
  auto const r = interrupt_run({SIGTERM, SIGTERM}, {"--report-fd", std::to_string(fd)});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("interrupted").get<bool>());
  EXPECT_FALSE(r.result.at("pass").get<bool>());
  EXPECT_EQ(r.result.at("verdict"), "fail");
  EXPECT_EQ(r.result.at("exit_code"), 1);
  // The portal's stream ends with a final line too, whichever way the run stopped.
  std::ifstream in(stream_file);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  auto const final_line = json::parse(last, nullptr, false);
  ASSERT_TRUE(final_line.is_object()) << last;
  EXPECT_EQ(final_line.at("final"), true);
  EXPECT_EQ(final_line.at("pass"), false);
}

TEST(isuchair_bench, a_target_that_is_not_there_fails_prepare) {
  // A port nobody listens on: connection refused at /initialize.
  auto const r = run_bench("http://127.0.0.1:1", {"--duration", "1", "--prepare-timeout", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.result.at("errors").at("by_category").value("initialize", 0), 0) << r.out;
  EXPECT_FALSE(r.result.at("phases").at("load").at("ran").get<bool>());
}

TEST(isuchair_bench, bad_usage_is_one_line_and_exit_2) {
  for (std::vector<std::string> const& args :
       std::vector<std::vector<std::string>>{{},
                                             {"--target"},
                                             {"--target", "ftp://x/"},
                                             {"--target", "http://127.0.0.1:1", "--duration", "0"},
                                             {"--target", "http://127.0.0.1:1", "--progress", "fancy"},
                                             {"--target", "http://127.0.0.1:1", "--bogus"},
                                             {"--target", "http://127.0.0.1:1", "extra"},
                                             {"--target", "http://127.0.0.1:1", "--result", "/nonexistent-dir/r.json"},
                                             {"--target", "http://127.0.0.1:1", "--result", "/"}}) {
    std::vector<std::string> argv = {ISUCHAIR_BENCH_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process bench(argv);
    EXPECT_EQ(bench.wait(), 2) << bench.output();
    EXPECT_EQ(std::count(bench.output().begin(), bench.output().end(), '\n'), 1) << bench.output();
  }
  child_process help({ISUCHAIR_BENCH_BIN, "--help"});
  EXPECT_EQ(help.wait(), 0);
}

TEST(isuchair_webapp, bad_usage_exits_2) {
  child_process a({ISUCHAIR_WEBAPP_BIN, "--listen", "127.0.0.1:0", "--db", temp_path("x.db"), "--fault", "nope"});
  EXPECT_EQ(a.wait(), 2) << a.output();
  child_process b({ISUCHAIR_WEBAPP_BIN, "--db", temp_path("y.db")});
  EXPECT_EQ(b.wait(), 2) << b.output();
}

}  // namespace
}  // namespace isuchair
