#include "result_file.hpp"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "candar/version.hpp"

namespace candar::detail {

namespace {

double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }

nlohmann::json phase_json(candar::phase_record const& p) {
  return {{"ran", p.ran},
          {"failed", p.failed},
          {"seconds", p.ran ? std::chrono::duration<double>(p.duration()).count() : 0.0}};
}

}  // namespace

nlohmann::json result_json(candar::result const& r, run_settings const& settings, run_summary const& s) {
  using nlohmann::json;
  auto const& errors = r.errors();
  auto const& score = r.score();
  json breakdown = json::object();
  for (auto const& [tag, n] : score.breakdown()) {
    breakdown[tag] = {{"count", n}, {"weight", score.weight(tag)}, {"points", n * score.weight(tag)}};
  }
  json messages = json::object();
  // With --trace: the trace and span of each of those errors' requests, in the same order (null: not a request).
  json traces = json::object();
  for (auto const& [code, n] : errors.counts()) {
    auto const first = errors.first(code, 5);
    json& said = messages[code] = json::array();
    json ids = json::array();
    bool traced = false;
    for (auto const& e : first) {
      said.push_back(e.summary());
      auto const& t = e.trace_context();
      traced = traced || !t.empty();
      ids.push_back(t.empty()
                        ? json()
                        : json{{"trace_id", t.trace_id}, {"span_id", t.span_id.empty() ? json() : json(t.span_id)}});
    }
    if (traced) traces[code] = std::move(ids);
  }
  json endpoints = json::object();
  for (auto const& [label, st] : r.metrics().snapshot()) {
    json statuses = json::object();
    for (auto const& [status, n] : st.by_status) statuses[std::to_string(status)] = n;
    endpoints[label] = {{"requests", st.requests},
                        {"status", statuses},
                        {"errors", st.errors_by_code},
                        {"bytes", st.bytes},
                        {"latency_ms",
                         {{"p50", ms(st.latency.percentile(50))},
                          {"p90", ms(st.latency.percentile(90))},
                          {"p99", ms(st.latency.percentile(99))},
                          {"max", ms(st.latency.max())},
                          {"mean", ms(st.latency.mean())}}}};
  }
  json out = {
      {"pass", s.outcome.pass},
      {"score", score.total(errors)},
      {"reasons", s.outcome.reasons},
      {"interrupted", s.interrupted},
      {"stopped_at_critical", s.stopped_at_critical.empty() ? json() : json(s.stopped_at_critical)},
      {"target", settings.target},
      {"seed", settings.seed},
      {"traced", settings.trace},
      {"sum", score.sum()},
      {"breakdown", breakdown},
      {"deduction", score.deduction(errors)},
      {"deductions", score.deductions(errors)},
      {"errors",
       {{"total", errors.count()},
        {"by_category", errors.counts_by_class()},
        {"by_code", errors.counts()},
        {"first_messages", messages},
        {"first_traces", traces},
        {"dropped", errors.dropped()}}},
      // Errors reported once their phase had ended (requests cut off by the end of Load): no deductions.
      {"errors_after_window",
       {{"total", r.errors_after_window().count()}, {"by_code", r.errors_after_window().counts()}}},
      {"endpoints", endpoints},
      {"phases",
       {{"prepare", phase_json(r.record(candar::phase::prepare))},
        {"load", phase_json(r.record(candar::phase::load))},
        {"validate", phase_json(r.record(candar::phase::validate))}}},
      {"benchmarker",
       {{"cpu_seconds", s.cpu_seconds},
        {"wall_seconds", s.wall_seconds},
        {"cpu_share", s.wall_seconds > 0 ? s.cpu_seconds / s.wall_seconds : 0.0}}},
  };
  if (!s.internal_error.empty()) out["internal_error"] = s.internal_error;
  return out;
}

nlohmann::json given_up_json(candar::result const& r, std::string const& contest, std::string const& why, int code) {
  return {{"contest", contest},
          {"candar", std::string(version)},
          {"pass", false},
          {"score", r.score().total(r.errors())},
          {"reasons", {why}},
          {"interrupted", true},
          {"internal_error", why},
          {"exit_code", code},
          {"verdict", code == 3 ? "internal-error" : "fail"},
          {"breakdown", r.score().breakdown()},
          {"errors", {{"total", r.errors().count()}, {"by_code", r.errors().counts()}}}};
}

void write_result(std::string const& path, nlohmann::json const& j) {
  write_file_atomically(path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n');
}

void write_file_atomically(std::string const& path, std::string const& text) {
  // A temporary name of its own per call: the watchdog may write while the main thread does.
  static std::atomic<int> writes{0};
  auto const temp = fmt::format("{}.tmp{}", path, writes++);
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temp));
    out << text;
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", temp));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(fmt::format("cannot rename {} to {}", temp, path));
}

}  // namespace candar::detail
