// isuchair-bench against a hostile webapp (the reference webapp's hostile fault switches): whatever it sends,
// the verdict is about the webapp, the result and the HTML report are written, valid UTF-8, and the
// benchmarker's own exit code 3 (internal error) never shows.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "isuchair/bench_process.hpp"

namespace isuchair {
namespace {

using nlohmann::json;
using namespace isuchair::test;

struct hostile_case {
  std::string fault;
  int exit_code;        // the verdict it deserves: 0 when the answers are right despite the hostile bytes
  std::string message;  // a part of a kept error message ("" when it passes)
};

void PrintTo(hostile_case const& c, std::ostream* os) { *os << c.fault; }

class isuchair_hostile : public ::testing::TestWithParam<hostile_case> {};

TEST_P(isuchair_hostile, the_verdict_is_about_the_webapp_and_the_result_is_written) {
  auto const& c = GetParam();
  webapp app({"--fault", c.fault});
  auto const report = temp_path("hostile-report.html");
  std::filesystem::remove(report);
  auto const har = temp_path("hostile.har");
  std::filesystem::remove(har);
  auto args = short_run;
  args.insert(args.end(), {"--report", report, "--har", har});
  auto const r = run_bench(app.url(), args);
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out;
  ASSERT_TRUE(r.result.is_object()) << r.out;  // parsed: valid JSON, valid UTF-8
  EXPECT_EQ(r.result.at("exit_code"), c.exit_code);
  if (!c.message.empty()) {
    EXPECT_TRUE(some_message_holds(r.result.at("errors"), c.message)) << r.result.at("errors").dump(2);
  }
  std::ifstream in(report);
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_NE(page.str().find("</html>"), std::string::npos) << "no HTML report";
  // The flows of its errors, the webapp's bytes in them, as valid JSON (UTF-8 text or base64).
  std::ifstream har_in(har);
  auto const flows = json::parse(har_in, nullptr, false);
  ASSERT_TRUE(flows.is_object()) << "no valid HAR";
  EXPECT_TRUE(flows.at("log").at("entries").is_array());
  if (!c.message.empty()) EXPECT_FALSE(flows.at("log").at("pages").empty()) << "no flow for the errors";
}

INSTANTIATE_TEST_SUITE_P(
    each_switch, isuchair_hostile,
    ::testing::Values(hostile_case{"deep-page", 0, ""},
                      hostile_case{"formatting-bomb", 1, "the page was cut where it passed the parser's bounds"},
                      hostile_case{"latin1-header", 0, ""}, hostile_case{"long-header", 0, ""},
                      hostile_case{"broken-utf8-error", 1, "POST /api/users/:id/reward: expected status 200, got 500"},
                      hostile_case{"zstd-home", 1, "GET /api/users/:id/home"}, hostile_case{"swr-static", 0, ""}),
    switch_name<hostile_case>);

}  // namespace
}  // namespace isuchair
