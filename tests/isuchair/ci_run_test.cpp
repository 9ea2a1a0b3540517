// What a CI job reads from a benchmarker built on the kit (isuchair-bench against its reference webapp): the
// per-second timeline in the result, the JSON lines on an inherited descriptor, and the gate against a baseline.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "isuchair/bench_process.hpp"

namespace isuchair {
namespace {

using namespace isuchair::test;
using nlohmann::json;

std::int64_t requests_in(json const& sample) {
  std::int64_t n = 0;
  for (auto const& [label, e] : sample.at("endpoints").items()) n += e.at("requests").get<std::int64_t>();
  return n;
}

TEST(isuchair_ci, the_result_has_a_timeline_and_the_report_descriptor_gets_json_lines) {
  webapp app;
  auto const stream_file = temp_path("stream.jsonl");
  int const fd = ::open(stream_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);  // inherited by the child
  ASSERT_GE(fd, 0);
  auto args = short_run;
  args.insert(args.end(), {"--report-fd", std::to_string(fd)});
  auto const r = run_bench(app.url(), args);
  ::close(fd);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto const& timeline = r.result.at("timeline");
  ASSERT_GE(timeline.size(), 5U) << r.out;  // about a second each, over Prepare and four seconds of Load
  double previous_t = 0;
  std::int64_t previous_score = 0, requests = 0;
  bool saw_load = false;
  for (auto const& s : timeline) {
    EXPECT_GT(s.at("t").get<double>(), previous_t);
    EXPECT_GE(s.at("score").get<std::int64_t>(), previous_score);  // the score so far never falls here
    previous_t = s.at("t").get<double>();
    previous_score = s.at("score").get<std::int64_t>();
    requests += requests_in(s);
    saw_load = saw_load || (s.at("phase") == "load" && s.contains("load_level"));
  }
  EXPECT_TRUE(saw_load);
  EXPECT_EQ(timeline.back().at("score"), r.result.at("score"));
  // Every request of the run is in exactly one second of the timeline.
  std::int64_t total = 0;
  for (auto const& [label, e] : r.result.at("endpoints").items()) total += e.at("requests").get<std::int64_t>();
  EXPECT_EQ(requests, total);

  std::ifstream in(stream_file);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line, nullptr, false));
  ASSERT_GE(lines.size(), 2U);  // at least one intermediate line (every 5 s) and the final one
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i].at("final"), false);
  EXPECT_EQ(lines.back().at("final"), true);
  EXPECT_EQ(lines.back().at("score"), r.result.at("score"));
  EXPECT_EQ(lines.back().at("pass"), true);
}

// A baseline made from a real result of this contest, its figures changed.
std::string baseline_with(json result, std::int64_t score, std::string const& name) {
  result["score"] = score;
  auto const file = temp_path(name);
  std::ofstream(file) << result.dump();
  return file;
}

TEST(isuchair_ci, a_run_below_the_baseline_exits_4_naming_the_score_and_one_above_says_so) {
  webapp app;
  auto const first = run_bench(app.url(), short_run);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  auto const score = first.result.at("score").get<std::int64_t>();
  ASSERT_GT(score, 0);

  auto args = short_run;
  args.insert(args.end(), {"--baseline", baseline_with(first.result, score * 100, "high.json"), "--max-drop", "20"});
  auto const worse = run_bench(app.url(), args);
  EXPECT_EQ(worse.exit_code, 4) << worse.out;
  EXPECT_NE(worse.out.find("regression: score "), std::string::npos) << worse.out;
  EXPECT_NE(worse.out.find("below the baseline's " + thousands(score * 100) + " (allowed: 20 %)"), std::string::npos)
      << worse.out;
  EXPECT_EQ(worse.result.at("baseline").at("regressed"), true);
  EXPECT_EQ(worse.result.at("pass"), true);  // the run itself passed: exit 4 is the gate's
  EXPECT_EQ(worse.result.at("verdict"), "regression");
  EXPECT_EQ(worse.result.at("exit_code"), 4);

  args = short_run;
  args.insert(args.end(), {"--baseline", baseline_with(first.result, 1, "low.json")});
  auto const better = run_bench(app.url(), args);
  EXPECT_EQ(better.exit_code, 0) << better.out;
  EXPECT_NE(better.out.find("improvement: score "), std::string::npos) << better.out;
  EXPECT_EQ(better.result.at("baseline").at("regressed"), false);
}

TEST(isuchair_ci, a_baseline_that_is_broken_or_of_another_contest_is_bad_usage_before_any_load) {
  auto const broken = temp_path("broken.json");
  std::ofstream(broken) << "{\"score\": ";
  auto const other = temp_path("other.json");
  std::ofstream(other) << R"({"score": 10, "contest": "someone-else-bench", "pass": true})";
  auto const failed = temp_path("failed.json");
  std::ofstream(failed) << R"({"score": 10, "contest": "isuchair-bench", "pass": false})";
  auto const typed = temp_path("typed.json");
  std::ofstream(typed) << R"({"score": 10, "contest": "isuchair-bench", "pass": "yes"})";
  // No webapp at all: the flags are judged before anything is sent.
  for (auto const& [file, words] : std::vector<std::pair<std::string, std::string>>{
           {broken, "is not JSON"},
           {other, "is a result of someone-else-bench, not of isuchair-bench"},
           {temp_path("missing.json"), "cannot read"},
           {failed, "is not a passing, whole, valid run"},
           {typed, "is not a usable result"}}) {
    auto const r = run_bench("http://127.0.0.1:9", {"--baseline", file});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find(words), std::string::npos) << r.out;
  }
  auto const no_fd = run_bench("http://127.0.0.1:9", {"--report-fd", "999"});
  EXPECT_EQ(no_fd.exit_code, 2) << no_fd.out;
  EXPECT_NE(no_fd.out.find("--report-fd: descriptor 999 is not open"), std::string::npos) << no_fd.out;
}

TEST(isuchair_ci, a_starved_benchmarker_is_marked_invalid_with_exit_5) {
  // Every loop busy-waits 95 % of each second of Load (a hidden testing flag), as a scenario burning CPU would.
  webapp app;
  // Six seconds of Load, starved from the first sample in it: four or five of them saturated.
  auto const starved = run_bench(
      app.url(), {"--duration", "6", "--refresh-after", "1", "--adjust-every", "1", "--starve-loops", "0.95"});
  EXPECT_EQ(starved.exit_code, 5) << starved.out;
  EXPECT_NE(starved.out.find("INVALID: the benchmarker was saturated for "), std::string::npos) << starved.out;
  EXPECT_EQ(starved.result.at("valid"), false);
  EXPECT_EQ(starved.result.at("verdict"), "invalid");
  EXPECT_GT(starved.result.at("benchmarker").at("worst_loop_lag_ms").get<double>(), 500.0);
}

TEST(isuchair_ci, repeated_runs_report_each_score_and_the_median) {
  webapp app;
  auto args = short_run;
  args.insert(args.end(), {"--repeat", "2"});
  auto const r = run_bench(app.url(), args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto const& repeat = r.result.at("repeat");
  ASSERT_EQ(repeat.at("runs"), 2);
  ASSERT_EQ(r.result.at("runs").size(), 2U);
  auto const a = r.result.at("runs")[0].at("score").get<std::int64_t>();
  auto const b = r.result.at("runs")[1].at("score").get<std::int64_t>();
  EXPECT_GT(a, 0);
  EXPECT_GT(b, 0);
  EXPECT_EQ(repeat.at("median"), (a + b) / 2);
  EXPECT_EQ(r.result.at("score"), (a + b) / 2);
  EXPECT_EQ(repeat.at("min"), std::min(a, b));
  EXPECT_EQ(repeat.at("max"), std::max(a, b));
  EXPECT_NE(r.out.find("== run 2 of 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scores: " + thousands(a) + " " + thousands(b)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS: median score"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace isuchair
