#include "timeline.hpp"

#include <algorithm>

namespace candar::detail {

namespace {

double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }

std::uint64_t errors_of(endpoint_stats const& s) {
  std::uint64_t n = 0;
  for (auto const& [code, count] : s.errors_by_code) n += count;
  return n;
}

}  // namespace

timeline::stretch timeline::sample(double t, std::string_view phase, result const& r, std::optional<double> load_level,
                                   double cpu_seconds, double lag_ms) {
  auto const now = r.metrics().snapshot();
  point p;
  p.t = t;
  p.seconds = std::max(0.0, t - previous_t_);
  p.phase = std::string(phase);
  p.score = r.score().total(r.errors());
  p.errors = r.errors().count();
  p.cpu_share = p.seconds > 0 ? std::max(0.0, cpu_seconds - previous_cpu_) / p.seconds : 0.0;
  p.load = load_level;
  p.lag_ms = lag_ms;
  stretch const out{p.seconds, p.cpu_share};
  static endpoint_stats const nothing;
  for (auto const& [label, stats] : now) {
    auto const before = previous_.find(label);
    auto const& was = before == previous_.end() ? nothing : before->second;
    endpoint_interval e;
    e.requests = stats.requests - std::min(stats.requests, was.requests);
    e.errors = errors_of(stats) - std::min(errors_of(stats), errors_of(was));
    if (e.requests == 0 && e.errors == 0) continue;  // quiet this second: not written
    auto const second = stats.latency.since(was.latency);
    e.p50_ms = ms(second.percentile(50));
    e.p90_ms = ms(second.percentile(90));
    e.p99_ms = ms(second.percentile(99));
    p.endpoints.emplace(label, e);
  }
  previous_ = now;
  previous_t_ = t;
  previous_cpu_ = cpu_seconds;
  samples_.push_back(std::move(p));
  if (samples_.size() > max_samples_) halve();
  return out;
}

void timeline::halve() {
  std::vector<point> merged;
  merged.reserve(samples_.size() / 2 + 1);
  for (std::size_t i = 0; i + 1 < samples_.size(); i += 2) {
    auto a = std::move(samples_[i]);
    auto const& b = samples_[i + 1];
    double const total = a.seconds + b.seconds;
    a.cpu_share = total > 0 ? (a.cpu_share * a.seconds + b.cpu_share * b.seconds) / total : 0.0;
    a.t = b.t;
    a.seconds = total;
    a.phase = b.phase;
    a.score = b.score;
    a.errors = b.errors;
    a.load = b.load;
    a.lag_ms = std::max(a.lag_ms, b.lag_ms);
    for (auto const& [label, e] : b.endpoints) {
      auto& into = a.endpoints[label];
      into.requests += e.requests;
      into.errors += e.errors;
      into.p50_ms = std::max(into.p50_ms, e.p50_ms);
      into.p90_ms = std::max(into.p90_ms, e.p90_ms);
      into.p99_ms = std::max(into.p99_ms, e.p99_ms);
    }
    merged.push_back(std::move(a));
  }
  if (samples_.size() % 2 == 1) merged.push_back(std::move(samples_.back()));
  samples_ = std::move(merged);
}

nlohmann::json timeline::json_of(point const& p) {
  nlohmann::json endpoints = nlohmann::json::object();
  for (auto const& [label, e] : p.endpoints) {
    endpoints[label] = {{"requests", e.requests},
                        {"errors", e.errors},
                        {"latency_ms", {{"p50", e.p50_ms}, {"p90", e.p90_ms}, {"p99", e.p99_ms}}}};
  }
  nlohmann::json j = {
      {"t", p.t},           {"seconds", p.seconds},     {"phase", p.phase},        {"score", p.score},
      {"errors", p.errors}, {"cpu_share", p.cpu_share}, {"loop_lag_ms", p.lag_ms}, {"endpoints", endpoints}};
  if (p.load) j["load_level"] = *p.load;
  return j;
}

nlohmann::json timeline::to_json() const {
  auto out = nlohmann::json::array();
  for (auto const& p : samples_) out.push_back(json_of(p));
  return out;
}

nlohmann::json timeline::last_json() const { return samples_.empty() ? nlohmann::json() : json_of(samples_.back()); }

}  // namespace candar::detail
