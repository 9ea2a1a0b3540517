// The HTML report of a real isuchair run, opened in headless Chromium: it renders with no console message and
// its charts hold the run's own numbers from the JSON result; repeated runs against a baseline show the spread
// and the side-by-side comparison.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "isuchair/bench_process.hpp"
#include "support/headless_chromium.hpp"
#include "support/report_page.hpp"

namespace isuchair {
namespace {

using namespace isuchair::test;
using candar::test::chart_series;
using candar::test::element_text;
using candar::test::render_in_chromium;

TEST(isuchair_report, a_run_writes_a_page_that_renders_the_runs_own_numbers) {
  webapp app;
  auto const report = temp_path("report.html");
  auto args = short_run;
  args.insert(args.end(), {"--report", report});
  auto const r = run_bench(app.url(), args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("report: " + report), std::string::npos) << r.out;

  auto const page = render_in_chromium(report);
  ASSERT_TRUE(page.ran) << page.failure;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_NE(page.dom.find("data-rendered=\"ok\""), std::string::npos);
  EXPECT_EQ(element_text(page.dom, "verdict"), "PASS");
  auto const score = r.result.at("score").get<std::int64_t>();
  EXPECT_EQ(element_text(page.dom, "score"), thousands(score));

  auto const& timeline = r.result.at("timeline");
  auto const scores = chart_series(page.dom, "score")["score"];
  ASSERT_EQ(scores.size(), timeline.size());
  for (std::size_t i = 0; i < timeline.size(); ++i) EXPECT_EQ(scores[i], timeline[i].at("score").get<double>()) << i;
  EXPECT_EQ(scores.back(), static_cast<double>(score));

  // Every endpoint's requests per second, as the timeline counted them (written to three decimals).
  auto const requests = chart_series(page.dom, "requests");
  ASSERT_FALSE(requests.empty());
  for (auto const& [label, values] : requests) {
    ASSERT_EQ(values.size(), timeline.size()) << label;
    double drawn = 0, counted = 0;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      auto const& s = timeline[i];
      auto const n = s.at("endpoints").contains(label) ? s["endpoints"][label].at("requests").get<double>() : 0.0;
      ASSERT_TRUE(values[i].has_value()) << label;
      EXPECT_NEAR(*values[i], n / s.at("seconds").get<double>(), 0.0006) << label << " at " << i;
      drawn += *values[i] * s.at("seconds").get<double>();
      counted += n;
    }
    EXPECT_NEAR(drawn, counted, 0.01 * static_cast<double>(timeline.size())) << label;
  }
  EXPECT_EQ(requests.size(), r.result.at("endpoints").size());
  // p99 of the busiest endpoint where it had requests.
  auto const latency = chart_series(page.dom, "latency");
  auto const& home = latency.at("GET /api/users/:id/home");
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    auto const& e = timeline[i].at("endpoints");
    if (e.contains("GET /api/users/:id/home")) {
      ASSERT_TRUE(home[i].has_value()) << i;
      EXPECT_NEAR(*home[i], e["GET /api/users/:id/home"]["latency_ms"]["p99"].get<double>(), 0.0006) << i;
    } else {
      EXPECT_FALSE(home[i].has_value()) << i;
    }
  }
}

TEST(isuchair_report, repeated_runs_against_a_baseline_show_the_spread_and_the_comparison) {
  webapp app;
  auto const baseline = temp_path("baseline.json");
  std::ofstream(baseline)
      << R"({"contest": "isuchair-bench", "score": 1, "pass": true, "valid": true, "interrupted": false,
      "endpoints": {"GET /": {"requests": 5, "latency_ms": {"p99": 1000.0}}}})";
  auto const report = temp_path("repeated.html");
  auto args = short_run;
  args.insert(args.end(), {"--repeat", "2", "--baseline", baseline, "--report", report});
  auto const r = run_bench(app.url(), args);
  ASSERT_EQ(r.exit_code, 0) << r.out;

  auto const page = render_in_chromium(report);
  ASSERT_TRUE(page.ran) << page.failure;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_NE(page.dom.find("data-rendered=\"ok\""), std::string::npos);
  auto const& summary = r.result.at("repeat");
  EXPECT_NE(element_text(page.dom, "spread")
                .value_or("")
                .find("median " + thousands(summary.at("median").get<std::int64_t>())),
            std::string::npos);
  EXPECT_NE(element_text(page.dom, "spread").value_or("").find("over 2 runs"), std::string::npos);
  auto const runs = chart_series(page.dom, "runs");
  ASSERT_EQ(runs.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    auto const& values = runs.at("run " + std::to_string(i + 1));
    auto const& run = r.result.at("runs")[i];
    ASSERT_FALSE(values.empty());
    auto const last = run.at("timeline").size() - 1;
    EXPECT_EQ(values[last], run.at("score").get<double>());
  }
  EXPECT_NE(element_text(page.dom, "baseline-findings").value_or("").find("improvement: score"), std::string::npos);
  EXPECT_NE(page.dom.find("<td>GET / p99</td><td class=\"num\">"), std::string::npos);
  EXPECT_NE(page.dom.find("<td class=\"num\">1,000 ms</td>"),
            std::string::npos);  // the baseline's p99, beside this run's
  EXPECT_NE(page.dom.find("id=\"median-run\""), std::string::npos);
}

}  // namespace
}  // namespace isuchair
