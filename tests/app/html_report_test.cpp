#include "html_report.hpp"

// The HTML report page: the result travels inside it as JSON that no message can break out of, and the page
// draws from it what the result holds, judged by headless Chromium (no console message at all, the charts'
// values read back from the DOM).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/headless_chromium.hpp"
#include "support/report_page.hpp"

namespace candar::detail {
namespace {

using nlohmann::json;
using test::chart_series;
using test::element_text;

std::size_t count(std::string const& text, std::string const& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string embedded_json(std::string const& page) {
  std::string const open = "id=\"candar-result\">";
  auto const start = page.find(open) + open.size();
  return page.substr(start, page.find("</script>", start) - start);
}

std::string page_file(json const& result) {
  static int n = 0;
  auto const file = ::testing::TempDir() + "report-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".html";
  std::ofstream(file) << html_report(result);
  return file;
}

json const hostile_message = "</script><script>document.title='pwned'</script><!-- & @SCRIPT@";

TEST(html_report, a_hostile_message_stays_inside_the_embedded_json) {
  json const r = {{"contest", "c-bench"}, {"score", 1}, {"errors", {{"first_messages", {{"bad", {hostile_message}}}}}}};
  auto const page = html_report(r);
  EXPECT_EQ(count(page, "</script>"), 4U);  // the two data elements' and the two scripts' own: no fifth
  EXPECT_EQ(count(page, "<!--"), 0U);
  EXPECT_EQ(json::parse(embedded_json(page)), r);  // and the marker inside it was not expanded
  // The same in the HAR of --har, whose bodies and headers are the webapp's.
  json const har = {{"log", {{"pages", {{{"id", "flow-1"}, {"title", hostile_message}}}}, {"entries", json::array()}}}};
  auto const with_har = html_report(r, &har);
  EXPECT_EQ(count(with_har, "</script>"), 4U);
  EXPECT_EQ(count(with_har, "<!--"), 0U);
}

TEST(html_report, the_title_is_the_contest_name_escaped) {
  auto const page = html_report({{"contest", "<b>a&b</b>"}, {"score", 1}});
  EXPECT_NE(page.find("<title>&lt;b&gt;a&amp;b&lt;/b&gt; benchmark result</title>"), std::string::npos);
}

TEST(html_report, a_partial_result_renders_with_no_console_message) {
  // What a run that was given up writes: no timeline, no endpoints, no phases.
  json const r = {{"contest", "c-bench"},
                  {"pass", false},
                  {"score", 1234},
                  {"reasons", {"a second signal: stopped at once"}},
                  {"interrupted", true},
                  {"exit_code", 1},
                  {"verdict", "fail"},
                  {"breakdown", json::object()},
                  {"errors", {{"total", 0}, {"by_code", json::object()}}}};
  auto const page = test::render_in_chromium(page_file(r));
  ASSERT_TRUE(page.ran) << page.failure;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_NE(page.dom.find("data-rendered=\"ok\""), std::string::npos) << page.dom;
  EXPECT_EQ(element_text(page.dom, "verdict"), "FAIL");
  EXPECT_EQ(element_text(page.dom, "score"), "1,234");
  EXPECT_NE(element_text(page.dom, "reasons").value_or("").find("a second signal"), std::string::npos);
  EXPECT_EQ(element_text(page.dom, "render-errors"), std::nullopt);
}

TEST(html_report, the_charts_hold_the_timeline_and_a_quiet_second_is_a_gap_in_latency) {
  auto sample = [](double t, double seconds, std::string phase, std::int64_t score, json endpoints) {
    return json{{"t", t},
                {"seconds", seconds},
                {"phase", phase},
                {"score", score},
                {"errors", 0},
                {"cpu_share", 0.25},
                {"loop_lag_ms", 3.5},
                {"load_level", 2},
                {"endpoints", endpoints}};
  };
  auto endpoint = [](std::uint64_t requests, std::uint64_t errors, double p99) {
    return json{
        {"requests", requests}, {"errors", errors}, {"latency_ms", {{"p50", p99 / 4}, {"p90", p99 / 2}, {"p99", p99}}}};
  };
  json const timeline = {
      sample(1.0, 1.0, "prepare", 0, {{"GET /a", endpoint(10, 0, 4.5)}}),
      sample(2.0, 1.0, "load", 120, {{"GET /b", endpoint(7, 1, 2.0)}}),
      sample(4.0, 2.0, "load", 480, {{"GET /a", endpoint(30, 3, 12.25)}, {"GET /b", endpoint(1, 0, 1.0)}})};
  json const r = {
      {"contest", "c-bench"},
      {"pass", true},
      {"score", 480},
      {"verdict", "pass"},
      {"exit_code", 0},
      {"timeline", timeline},
      {"errors", {{"total", 1}, {"by_code", {{"bad", 1}}}, {"first_messages", {{"bad", {hostile_message}}}}}}};
  auto const page = test::render_in_chromium(page_file(r));
  ASSERT_TRUE(page.ran) << page.failure;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_NE(page.dom.find("data-rendered=\"ok\""), std::string::npos);

  using values = std::vector<std::optional<double>>;
  EXPECT_EQ(chart_series(page.dom, "score")["score"], (values{0, 120, 480}));
  EXPECT_EQ(chart_series(page.dom, "load_level")["load level"], (values{2, 2, 2}));
  auto const requests = chart_series(page.dom, "requests");
  EXPECT_EQ(requests.at("GET /a"), (values{10, 0, 15}));  // per second: 30 over a 2 s stretch
  EXPECT_EQ(requests.at("GET /b"), (values{0, 7, 0.5}));
  EXPECT_EQ(chart_series(page.dom, "errors").at("GET /a"), (values{0, 0, 1.5}));
  auto const latency = chart_series(page.dom, "latency");
  EXPECT_EQ(latency.at("GET /a"), (values{4.5, std::nullopt, 12.25}));
  EXPECT_EQ(chart_series(page.dom, "cpu")["CPU share"], (values{0.25, 0.25, 0.25}));
  EXPECT_EQ(chart_series(page.dom, "lag")["lag"], (values{3.5, 3.5, 3.5}));
  // The hostile message is text on the page, not a script that ran.
  EXPECT_NE(page.dom.find("&lt;/script&gt;&lt;script&gt;document.title='pwned'"), std::string::npos);
  EXPECT_EQ(page.dom.find("<title>pwned"), std::string::npos);
}

}  // namespace
}  // namespace candar::detail
