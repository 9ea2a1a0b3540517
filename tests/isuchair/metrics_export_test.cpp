// --metrics-listen and OTLP end to end: Debian's Prometheus scrapes a real isuchair run, and PromQL's total of
// requests equals the result's; a local collector receives OTLP/HTTP JSON pushes whose last total equals it too.
#include <filesystem>
#include <fstream>
#include <mutex>

#include "bench_process.hpp"
#include "support/http_server.hpp"
#include "support/plain_http.hpp"

namespace isuchair::test {
namespace {

using candar::test::plain_get;

std::int64_t requests_in(json const& result) {
  std::int64_t n = 0;
  for (auto const& [label, e] : result.at("endpoints").items()) n += e.at("requests").get<std::int64_t>();
  return n;
}

// The value of a PromQL query returning one sample, or nullopt.
std::optional<double> promql(std::uint16_t port, std::string const& query) {
  auto const answer = plain_get(port, "/api/v1/query?query=" + candar::test::query_encoded(query));
  auto const j = json::parse(answer.body, nullptr, false);
  if (answer.status != 200 || !j.is_object() || j.value("status", "") != "success") return std::nullopt;
  auto const& result = j["data"]["result"];
  if (!result.is_array() || result.size() != 1) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

TEST(isuchair_metrics, prometheus_scraping_a_run_counts_the_requests_the_result_counts) {
  webapp app;
  auto const file = temp_path("metrics-result.json");
  auto args = short_run;
  // Prometheus comes up after the run has begun: the last figures wait for its scrape.
  args.insert(args.end(), {"--metrics-listen", "127.0.0.1:0", "--metrics-hold", "60"});
  child_process bench(bench_argv(app.url(), file, args));
  auto const line = bench.wait_for("metrics: http://127.0.0.1:");
  ASSERT_TRUE(line.has_value()) << bench.output();
  auto const url = line->substr(line->find("http://"));
  auto const target = url.substr(7, url.find("/metrics") - 7);

  auto const dir = temp_path("prometheus");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/prometheus.yml") << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                         << "scrape_configs:\n  - job_name: candar\n    static_configs:\n"
                                         << "      - targets: ['" << target << "']\n";
  auto const port = candar::test::closed_port();
  child_process prometheus({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                            "--storage.tsdb.path=" + dir + "/data",
                            "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(prometheus.wait_for("Server is ready to receive web requests").has_value()) << prometheus.output();

  EXPECT_EQ(bench.wait(), 0) << bench.output();
  std::ifstream in(file);
  auto const result = json::parse(in, nullptr, false);
  ASSERT_TRUE(result.is_object()) << bench.output();
  auto const requests = requests_in(result);
  ASSERT_GT(requests, 100) << bench.output();
  EXPECT_TRUE(result.at("metrics_export").at("listen").at("url").get<std::string>() == url) << result.dump();

  // The bench ended after Prometheus took the last figures; its write into the TSDB is a moment behind.
  std::optional<double> total;
  for (int i = 0; i < 100 && total != static_cast<double>(requests); ++i) {
    total = promql(port, "sum(last_over_time(candar_http_requests_total[10m]))");
    if (total != static_cast<double>(requests)) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(total, static_cast<double>(requests)) << bench.output();
  EXPECT_EQ(promql(port, "last_over_time(candar_phase{phase=\"done\"}[10m])"), 1.0);
  EXPECT_EQ(promql(port, "last_over_time(candar_score[10m])"), result.at("score").get<double>());
  auto const latency_count = promql(port, "sum(last_over_time(candar_http_request_duration_seconds_count[10m]))");
  EXPECT_EQ(latency_count, static_cast<double>(requests));
}

TEST(isuchair_metrics, an_otlp_collector_receives_json_pushes_whose_last_total_is_the_results) {
  std::mutex m;
  std::vector<json> pushes;
  std::vector<std::string> targets;
  candar::test::http_server collector([&](candar::test::seen_request const& r) {
    std::lock_guard lock(m);
    targets.push_back(r.target);
    pushes.push_back(json::parse(r.body, nullptr, false));
    return candar::test::reply{.status = 200, .headers = {{"Content-Type", "application/json"}}, .body = "{}"};
  });
  webapp app;
  auto const file = temp_path("otlp-result.json");
  auto argv = bench_argv(app.url(), file, short_run);
  argv.insert(argv.begin(), {"/usr/bin/env", "OTEL_EXPORTER_OTLP_ENDPOINT=" + collector.url(),
                             "OTEL_METRIC_EXPORT_INTERVAL=1000", "OTEL_SERVICE_NAME=isuchair-ci"});
  child_process bench(argv);
  EXPECT_EQ(bench.wait(), 0) << bench.output();
  std::ifstream in(file);
  auto const result = json::parse(in, nullptr, false);
  ASSERT_TRUE(result.is_object()) << bench.output();
  auto const& otlp = result.at("metrics_export").at("otlp");
  EXPECT_EQ(otlp.at("failed"), 0);

  std::lock_guard lock(m);
  ASSERT_GE(pushes.size(), 2U) << bench.output();  // every second while the run lasts, and its end
  EXPECT_EQ(otlp.at("pushes").get<std::size_t>(), pushes.size());
  for (auto const& t : targets) EXPECT_EQ(t, "/v1/metrics");
  // The OTLP JSON mapping: resourceMetrics → scopeMetrics → metrics, each one of sum, gauge or histogram,
  // integers and times as strings, temporality as a number.
  for (auto const& p : pushes) {
    ASSERT_TRUE(p.is_object());
    auto const& rm = p.at("resourceMetrics").at(0);
    EXPECT_EQ(rm.at("resource").at("attributes").at(0).at("value").at("stringValue"), "isuchair-ci");
    for (auto const& metric : rm.at("scopeMetrics").at(0).at("metrics")) {
      EXPECT_TRUE(metric.at("name").is_string() && metric.at("unit").is_string());
      int kinds = 0;
      for (auto const* k : {"sum", "gauge", "histogram"}) {
        if (!metric.contains(k)) continue;
        ++kinds;
        if (std::string_view(k) != "gauge") EXPECT_EQ(metric.at(k).at("aggregationTemporality"), 2);
        for (auto const& point : metric.at(k).at("dataPoints")) {
          EXPECT_TRUE(point.at("timeUnixNano").is_string()) << point.dump();
          if (point.contains("asInt")) EXPECT_TRUE(point.at("asInt").is_string()) << point.dump();
          if (std::string_view(k) == "histogram") {
            EXPECT_TRUE(point.at("count").is_string());
            EXPECT_EQ(point.at("bucketCounts").size(), point.at("explicitBounds").size() + 1);
          }
        }
      }
      EXPECT_EQ(kinds, 1) << metric.dump();
    }
  }
  std::int64_t last_total = 0;
  for (auto const& metric : pushes.back().at("resourceMetrics").at(0).at("scopeMetrics").at(0).at("metrics")) {
    if (metric.at("name") != "candar_http_requests") continue;
    for (auto const& point : metric.at("sum").at("dataPoints"))
      last_total += std::stoll(point.at("asInt").get<std::string>());
  }
  EXPECT_EQ(last_total, requests_in(result));
}

TEST(isuchair_metrics, an_address_or_a_setting_it_cannot_follow_is_bad_usage) {
  candar::test::http_server taken([](candar::test::seen_request const&) { return candar::test::reply{}; });
  auto const in_use =
      run_bench("http://127.0.0.1:9", {"--metrics-listen", "127.0.0.1:" + std::to_string(taken.port())});
  EXPECT_EQ(in_use.exit_code, 2) << in_use.out;
  EXPECT_NE(in_use.out.find("cannot listen there"), std::string::npos) << in_use.out;
  auto const hold_alone = run_bench("http://127.0.0.1:9", {"--metrics-hold", "5"});
  EXPECT_EQ(hold_alone.exit_code, 2) << hold_alone.out;

  // An OTEL_* setting meant for another program is a warning, as an SDK makes it, never a refused run.
  auto const file = temp_path("grpc-result.json");
  auto argv = bench_argv("http://127.0.0.1:9", file, {"--prepare-only"});
  argv.insert(argv.begin(), {"/usr/bin/env", "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317",
                             "OTEL_EXPORTER_OTLP_PROTOCOL=grpc"});
  child_process grpc(argv);
  EXPECT_EQ(grpc.wait(), 1) << grpc.output();  // nothing listens on port 9: Prepare fails
  EXPECT_NE(
      grpc.output().find("warning: OTEL_EXPORTER_OTLP_PROTOCOL=grpc: candar pushes OTLP metrics as http/json only"),
      std::string::npos)
      << grpc.output();
}

}  // namespace
}  // namespace isuchair::test
