#include "run_metrics.hpp"

#include <chrono>

namespace candar::detail {

std::vector<double> const& latency_bounds_seconds() {
  static std::vector<double> const bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return bounds;
}

namespace {

using kind = metric_family::kind;

histogram_point latency_point(std::string const& label, histogram const& h) {
  histogram_point p{
      .labels = {{"endpoint", label}}, .count = h.count(), .sum = std::chrono::duration<double>(h.sum()).count()};
  for (double const bound : latency_bounds_seconds()) {
    p.at_most.push_back(h.count_at_most(std::chrono::microseconds(static_cast<std::int64_t>(bound * 1e6))));
  }
  return p;
}

}  // namespace

std::vector<metric_family> run_metric_families(run_figures const& f) {
  metric_family requests{.name = "candar_http_requests_total",
                         .help = "Responses received, by endpoint label and status.",
                         .unit = "{request}",
                         .type = kind::counter};
  metric_family failed{.name = "candar_http_request_failures_total",
                       .help = "Requests that got no response, by endpoint label and error code.",
                       .unit = "{request}",
                       .type = kind::counter};
  metric_family bytes{.name = "candar_http_response_body_bytes_total",
                      .help = "Response body bytes received, by endpoint label.",
                      .unit = "By",
                      .type = kind::counter};
  metric_family latency{.name = "candar_http_request_duration_seconds",
                        .help = "Time from sending a request to its whole response, by endpoint label.",
                        .unit = "s",
                        .type = kind::histogram,
                        .bounds = latency_bounds_seconds()};
  for (auto const& [label, st] : f.endpoints) {
    for (auto const& [status, n] : st.by_status) {
      requests.points.push_back({{{"endpoint", label}, {"status", std::to_string(status)}}, static_cast<double>(n)});
    }
    for (auto const& [code, n] : st.errors_by_code) {
      failed.points.push_back({{{"endpoint", label}, {"code", code}}, static_cast<double>(n)});
    }
    bytes.points.push_back({{{"endpoint", label}}, static_cast<double>(st.bytes)});
    latency.histograms.push_back(latency_point(label, st.latency));
  }
  metric_family errors{.name = "candar_errors_total",
                       .help = "Errors the run counted (failed checks, requests without a response), by code.",
                       .unit = "{error}",
                       .type = kind::counter};
  for (auto const& [code, n] : f.errors_by_code) errors.points.push_back({{{"code", code}}, static_cast<double>(n)});

  std::vector<metric_family> out;
  out.push_back(std::move(requests));
  out.push_back(std::move(failed));
  out.push_back(std::move(bytes));
  out.push_back(std::move(latency));
  out.push_back(std::move(errors));
  // Unit-less gauges have no unit: "1" would make an OTLP-to-Prometheus translation add "_ratio".
  out.push_back({.name = "candar_score",
                 .help = "The score so far, deductions taken.",
                 .points = {{{}, static_cast<double>(f.score)}}});
  if (f.load_level) {
    out.push_back({.name = "candar_load_level", .help = "The contest's load level.", .points = {{{}, *f.load_level}}});
  }
  // Every phase, 1 for the one running: a phase that ended reads 0 (not a series that vanished, which an OTLP
  // collector would keep at its last value).
  metric_family phase{.name = "candar_phase",
                      .help = "1 for the phase running now, 0 for the others; \"done\" once the run is over."};
  for (auto const* name : {"prepare", "load", "validate", "done"}) {
    phase.points.push_back({{{"phase", name}}, f.phase == name ? 1.0 : 0.0});
  }
  out.push_back(std::move(phase));
  out.push_back({.name = "candar_benchmarker_cpu_seconds_total",
                 .help = "CPU time the benchmarker itself used since the run started.",
                 .unit = "s",
                 .type = kind::counter,
                 .points = {{{}, f.cpu_seconds}}});
  out.push_back({.name = "candar_benchmarker_loop_lag_seconds",
                 .help = "The worst event-loop lag of the benchmarker in the last second sampled.",
                 .unit = "s",
                 .points = {{{}, f.loop_lag_seconds}}});
  return out;
}

}  // namespace candar::detail
