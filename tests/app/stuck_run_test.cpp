// The ready main when the run will not end cleanly: the result is written before the event loops are stopped,
// the watchdog stays armed until they are joined, and std::terminate writes what is known. Exit 3 each time.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"

namespace candar {
namespace {

struct outcome {
  int exit_code = -1;
  std::string out;
  nlohmann::json result;
};

outcome run_stuck(std::vector<std::string> const& modes, std::string const& name) {
  auto const file = ::testing::TempDir() + "stuck-" + std::to_string(getpid()) + "-" + name + ".json";
  std::remove(file.c_str());
  std::vector<std::string> argv{
      STUCK_BENCH_BIN, "--target", "http://127.0.0.1:9", "--result", file, "--progress", "plain",
      "--threads",     "2",        "--duration",         "1"};
  argv.insert(argv.end(), modes.begin(), modes.end());
  test::child_process bench(argv);
  outcome o;
  o.exit_code = bench.wait();
  o.out = bench.output();
  std::ifstream in(file);
  if (in) o.result = nlohmann::json::parse(in, nullptr, false);
  return o;
}

TEST(benchmarker_app, a_loop_stuck_after_load_ends_in_exit_3_with_the_whole_result_written) {
  auto const r = run_stuck({"--stuck-loop"}, "loop");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("exit_code"), 3);
  EXPECT_EQ(r.result.at("verdict"), "internal-error");
  EXPECT_NE(r.result.at("internal_error").get<std::string>().find("did not stop after the run"), std::string::npos)
      << r.result.dump(2).substr(0, 2000);
  EXPECT_TRUE(r.result.contains("timeline"));  // the whole result, written before the loops were joined
  EXPECT_EQ(r.result.at("breakdown").at("tick").at("count"), 1);
}

TEST(benchmarker_app, an_error_hook_throwing_on_a_loop_ends_in_exit_3_naming_it) {
  auto const r = run_stuck({"--throw-in-hook"}, "hook");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("exit_code"), 3);
  EXPECT_NE(r.result.at("internal_error").get<std::string>().find("terminate: hook exploded"), std::string::npos)
      << r.result.dump(2).substr(0, 2000);
}

// stop_on_critical: the run ends at its first critical error, with a verdict of its own (not "interrupted", the
// words of a Ctrl-C), and Validate does not run.
TEST(benchmarker_app, a_contest_that_stops_on_critical_ends_at_the_first_one_and_says_so) {
  auto const r = run_stuck({"--critical", "--stop-on-critical"}, "stop-on-critical");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_EQ(r.result.at("verdict"), "fail");
  EXPECT_EQ(r.result.at("interrupted"), false);
  EXPECT_EQ(r.result.at("stopped_at_critical"), "visit > wrong: GET /: the third answer was wrong");
  EXPECT_EQ(r.result.at("reasons").at(0),
            "stopped at the first critical error: visit > wrong: GET /: the third answer was wrong");
  EXPECT_EQ(r.result.at("breakdown").at("validated").at("count"), 0) << r.result.at("breakdown").dump();  // no Validate
  EXPECT_NE(r.out.find("failed: stopped at the first critical error: visit > wrong"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("interrupted"), std::string::npos) << r.out;
}

TEST(benchmarker_app, a_contest_that_does_not_stop_on_critical_counts_every_error_and_validates) {
  auto const r = run_stuck({"--critical"}, "counts-critical");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;
  EXPECT_TRUE(r.result.at("stopped_at_critical").is_null());
  EXPECT_EQ(r.result.at("errors").at("by_category").at("validation"), 2) << r.result.at("errors").dump();
  EXPECT_EQ(r.result.at("breakdown").at("validated").at("count"), 1);
}

// --junit: the run as JUnit XML that a CI's parser reads (Python's ElementTree here, as strict as GitLab's and
// Jenkins' readers about the structure): counts that add up, one case per check, failures with their message.
std::string junit_summary(std::string const& file) {
  test::child_process py({"/usr/bin/python3", "-c", R"(
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
cases = s.findall("testcase")
failed = [c for c in cases if c.find("failure") is not None]
errored = [c for c in cases if c.find("error") is not None]
skipped = [c for c in cases if c.find("skipped") is not None]
for a, n in (("tests", len(cases)), ("failures", len(failed)), ("errors", len(errored)), ("skipped", len(skipped))):
    assert int(s.get(a)) == n == int(root.get(a)), (a, s.get(a), n)
for c in cases:
    state = "failed" if c in failed else "error" if c in errored else "skipped" if c in skipped else "passed"
    msg = (c.find("failure") if c in failed else c.find("error") if c in errored else None)
    print(c.get("classname") + "/" + c.get("name") + ": " + state + ("" if msg is None else " " + msg.get("message")))
)",
                          file});
  py.wait();
  return py.output();
}

TEST(benchmarker_app, junit_xml_of_a_passing_a_failing_and_a_regressed_run) {
  auto const xml = ::testing::TempDir() + "junit-" + std::to_string(getpid()) + ".xml";
  auto const passing = run_stuck({"--junit", xml}, "junit-pass");
  ASSERT_EQ(passing.exit_code, 0) << passing.out;
  auto const pass = junit_summary(xml);
  EXPECT_NE(pass.find("stuck-bench/verdict: passed"), std::string::npos) << pass;
  EXPECT_NE(pass.find("stuck-bench.phase/load: passed"), std::string::npos) << pass;
  EXPECT_NE(pass.find("stuck-bench.critical/no critical error: passed"), std::string::npos) << pass;

  auto const failing = run_stuck({"--critical", "--stop-on-critical", "--junit", xml}, "junit-fail");
  ASSERT_EQ(failing.exit_code, 1) << failing.out;
  auto const fail = junit_summary(xml);
  EXPECT_NE(fail.find("stuck-bench/verdict: failed fail: stopped at the first critical error: visit > wrong"),
            std::string::npos)
      << fail;
  EXPECT_NE(fail.find("stuck-bench.phase/validate: skipped"), std::string::npos) << fail;  // stopped before it
  EXPECT_NE(fail.find("stuck-bench.critical/wrong: failed 1 critical error(s): visit > wrong: GET /: the third answer"),
            std::string::npos)
      << fail;

  // A baseline whose score the run cannot reach: a regression, its figures in the failed case.
  auto baseline = passing.result;
  baseline["score"] = 1000;
  auto const baseline_file = ::testing::TempDir() + "junit-baseline-" + std::to_string(getpid()) + ".json";
  std::ofstream(baseline_file) << baseline.dump();
  auto const regressed = run_stuck({"--baseline", baseline_file, "--junit", xml}, "junit-regressed");
  ASSERT_EQ(regressed.exit_code, 4) << regressed.out;
  auto const reg = junit_summary(xml);
  EXPECT_NE(reg.find("stuck-bench/verdict: failed regression"), std::string::npos) << reg;
  EXPECT_NE(reg.find("stuck-bench.baseline/score: failed regression: score 1 is 100 % below the baseline's 1,000"),
            std::string::npos)
      << reg;
}

}  // namespace
}  // namespace candar
