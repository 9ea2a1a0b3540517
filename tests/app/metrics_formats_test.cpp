// The run's figures in Prometheus' text format and in OTLP's JSON mapping: what a scraper or a collector parses,
// with labels a hostile webapp may have put in a path.
#include <gtest/gtest.h>

#include "otlp_metrics.hpp"
#include "prometheus_text.hpp"
#include "run_metrics.hpp"

namespace candar::detail {
namespace {

using namespace std::chrono_literals;

run_figures two_endpoints() {
  run_figures f;
  auto& home = f.endpoints["GET /"];
  for (auto const ms : {1, 3, 7, 30, 300, 20'000}) {
    home.latency.record(std::chrono::milliseconds(ms));
    ++home.requests;
    ++home.by_status[ms == 300 ? 500 : 200];
  }
  home.bytes = 1234;
  // A label from a hostile path: a quote, a backslash, a line feed and a byte that is not UTF-8.
  auto& odd = f.endpoints["GET /\"x\\y\nz\xff"];
  odd.errors_by_code["timeout"] = 2;
  f.errors_by_code = {{"timeout", 2}, {"check.status", 1}};
  f.score = 42;
  f.load_level = 3;
  f.cpu_seconds = 1.5;
  f.loop_lag_seconds = 0.002;
  f.phase = "load";
  return f;
}

bool has_line(std::string const& text, std::string const& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(prometheus_text, counters_histograms_and_gauges_in_the_exposition_format) {
  auto const text = prometheus_text(run_metric_families(two_endpoints()));
  EXPECT_TRUE(text.starts_with("# HELP candar_http_requests_total ")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE candar_http_requests_total counter")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_requests_total{endpoint="GET /",status="200"} 5)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_requests_total{endpoint="GET /",status="500"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_response_body_bytes_total{endpoint="GET /"} 1234)")) << text;
  // Cumulative buckets: 1 and 3 ms under 5 ms, 7 under 10, 30 under 50, 300 under 0.5 s; 20 s only under +Inf.
  EXPECT_TRUE(has_line(text, "# TYPE candar_http_request_duration_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="0.005"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="0.01"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="0.05"} 4)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="0.5"} 5)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="10"} 5)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_bucket{endpoint="GET /",le="+Inf"} 6)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_sum{endpoint="GET /"} 20.341)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_http_request_duration_seconds_count{endpoint="GET /"} 6)")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_errors_total{code="check.status"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "candar_score 42")) << text;
  EXPECT_TRUE(has_line(text, "candar_load_level 3")) << text;
  EXPECT_TRUE(has_line(text, R"(candar_phase{phase="load"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "candar_benchmarker_cpu_seconds_total 1.5")) << text;
  EXPECT_TRUE(has_line(text, "candar_benchmarker_loop_lag_seconds 0.002")) << text;
}

TEST(prometheus_text, a_hostile_label_is_escaped_and_made_utf8) {
  auto const text = prometheus_text(run_metric_families(two_endpoints()));
  EXPECT_TRUE(has_line(
      text, "candar_http_request_failures_total{endpoint=\"GET /\\\"x\\\\y\\nz\xef\xbf\xbd\",code=\"timeout\"} 2"))
      << text;
  EXPECT_EQ(text.find('\xff'), std::string::npos);
  // Every line is a comment or a sample: the line feed in the label did not break one.
  std::size_t start = 0;
  while (start < text.size()) {
    auto const end = text.find('\n', start);
    auto const line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# ") || line.starts_with("candar_")) << line;
    start = end + 1;
  }
  EXPECT_TRUE(text.ends_with('\n'));
}

TEST(prometheus_text, no_load_level_without_the_contest_telling_it) {
  auto f = two_endpoints();
  f.load_level.reset();
  EXPECT_EQ(prometheus_text(run_metric_families(f)).find("candar_load_level"), std::string::npos);
}

nlohmann::json const* metric(nlohmann::json const& request, std::string const& name) {
  for (auto const& m : request["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]) {
    if (m["name"] == name) return &m;
  }
  return nullptr;
}

TEST(otlp_metrics_json, follows_the_otlp_json_mapping) {
  auto const j =
      otlp_metrics_json(run_metric_families(two_endpoints()),
                        {.service_name = "isuchair-bench", .version = "1.2.3", .start_unix_nano = 1000}, 2000);
  auto const& rm = j.at("resourceMetrics").at(0);
  EXPECT_EQ(rm.at("resource").at("attributes").at(0),
            (nlohmann::json{{"key", "service.name"}, {"value", {{"stringValue", "isuchair-bench"}}}}));
  EXPECT_EQ(rm.at("scopeMetrics").at(0).at("scope").at("version"), "1.2.3");

  auto const* requests = metric(j, "candar_http_requests");
  ASSERT_NE(requests, nullptr) << j.dump(1);
  EXPECT_EQ(requests->at("unit"), "{request}");
  auto const& sum = requests->at("sum");
  EXPECT_EQ(sum.at("aggregationTemporality"), 2);  // cumulative, as a number
  EXPECT_EQ(sum.at("isMonotonic"), true);
  auto const& point = sum.at("dataPoints").at(0);
  EXPECT_EQ(point.at("asInt"), "5");  // 64-bit integers as strings
  EXPECT_EQ(point.at("startTimeUnixNano"), "1000");
  EXPECT_EQ(point.at("timeUnixNano"), "2000");
  EXPECT_EQ(point.at("attributes").at(1), (nlohmann::json{{"key", "status"}, {"value", {{"stringValue", "200"}}}}));

  auto const* latency = metric(j, "candar_http_request_duration");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->at("unit"), "s");
  auto const& h = latency->at("histogram").at("dataPoints").at(0);
  EXPECT_EQ(h.at("count"), "6");
  EXPECT_EQ(h.at("explicitBounds").size() + 1, h.at("bucketCounts").size());
  // Each bucket on its own, not cumulative: 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, and 1 above 10 s.
  std::vector<std::string> counts;
  for (auto const& c : h.at("bucketCounts")) counts.push_back(c.get<std::string>());
  EXPECT_EQ(counts, (std::vector<std::string>{"2", "1", "0", "1", "0", "0", "1", "0", "0", "0", "0", "1"}));
  EXPECT_DOUBLE_EQ(h.at("sum").get<double>(), 20.341);

  EXPECT_EQ(metric(j, "candar_http_response_body")->at("unit"), "By");
  EXPECT_EQ(metric(j, "candar_benchmarker_cpu")->at("sum").at("dataPoints").at(0).at("asDouble"), 1.5);
  auto const& score = metric(j, "candar_score")->at("gauge").at("dataPoints").at(0);
  EXPECT_EQ(score.at("asDouble"), 42.0);
  EXPECT_FALSE(score.contains("startTimeUnixNano"));
  // The hostile label arrives as valid UTF-8: the body serializes strictly.
  EXPECT_NO_THROW((void)j.dump());
}

}  // namespace
}  // namespace candar::detail
