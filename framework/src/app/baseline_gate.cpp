#include "baseline_gate.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace candar::detail {

std::string with_thousands(std::int64_t n) {
  std::string digits = std::to_string(n);
  if (n < 0) digits.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

namespace {
baseline read_checked(std::string const& file, std::string const& contest, std::vector<std::string> const& gated);
}

baseline read_baseline(std::string const& file, std::string const& contest, std::vector<std::string> const& gated) {
  try {
    return read_checked(file, contest, gated);
  } catch (std::invalid_argument const&) {
    throw;
  } catch (std::exception const& e) {  // a field of the wrong type, say: a broken file all the same
    throw std::invalid_argument(fmt::format("--baseline: '{}' is not a usable result: {}", file, e.what()));
  }
}

namespace {

baseline read_checked(std::string const& file, std::string const& contest, std::vector<std::string> const& gated) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(fmt::format("--baseline: cannot read '{}'", file));
  auto const j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::invalid_argument(fmt::format("--baseline: '{}' is not JSON", file));
  if (!j.contains("score") || !j["score"].is_number_integer() || !j.contains("contest") || !j["contest"].is_string()) {
    throw std::invalid_argument(
        fmt::format("--baseline: '{}' is not a result written by a candar benchmarker (--result)", file));
  }
  if (j["contest"] != contest) {
    throw std::invalid_argument(
        fmt::format("--baseline: '{}' is a result of {}, not of {}", file, j["contest"].get<std::string>(), contest));
  }
  // Only a fair, whole, passing run is a baseline: a failed, interrupted or invalid one would make any run look fine.
  if (j.value("pass", false) != true || j.value("valid", true) != true || j.value("interrupted", false) != false ||
      j["score"].get<std::int64_t>() <= 0) {
    throw std::invalid_argument(
        fmt::format("--baseline: '{}' is not a passing, whole, valid run with a score above 0", file));
  }
  baseline b{file, j["score"].get<std::int64_t>(), {}, nlohmann::json::object()};
  if (j.contains("endpoints") && j["endpoints"].is_object()) {
    for (auto const& [label, e] : j["endpoints"].items()) {
      if (!e.is_object() || !e.contains("requests") || !e["requests"].is_number()) continue;
      auto& into = b.endpoints[label];
      into["requests"] = e["requests"];
      if (e.contains("latency_ms") && e["latency_ms"].is_object() && e["latency_ms"].contains("p99") &&
          e["latency_ms"]["p99"].is_number()) {
        into["p99_ms"] = e["latency_ms"]["p99"];
      }
    }
  }
  for (auto const& label : gated) {
    auto const* e = j.contains("endpoints") && j["endpoints"].contains(label) ? &j["endpoints"][label] : nullptr;
    if (e == nullptr || e->value("requests", std::int64_t{0}) <= 0) {
      throw std::invalid_argument(
          fmt::format("--gate-p99: the baseline '{}' has no answered requests of '{}'", file, label));
    }
    b.p99_ms[label] = (*e).at("latency_ms").at("p99").get<double>();
  }
  return b;
}

}  // namespace

namespace {

// How far `now` is from `was`, in percent of `was`.
double change_percent(double now, double was) {
  return was == 0 ? (now == 0 ? 0.0 : 100.0) : (now - was) / was * 100.0;
}

}  // namespace

gate_verdict compare_with(baseline const& b, nlohmann::json const& result, double max_drop,
                          std::vector<std::string> const& gated, double spread) {
  gate_verdict v;
  auto const score = result.value("score", std::int64_t{0});
  double const change = change_percent(static_cast<double>(score), static_cast<double>(b.score));
  if (-change > max_drop && -change <= spread) {
    v.lines.push_back(
        fmt::format("inconclusive: score {} is {:.0f} % below the baseline's {}, inside these runs' spread of {:.0f} %",
                    with_thousands(score), -change, with_thousands(b.score), spread));
  } else if (-change > max_drop) {
    v.regressed = true;
    v.lines.push_back(fmt::format("regression: score {} is {:.0f} % below the baseline's {} (allowed: {:g} %)",
                                  with_thousands(score), -change, with_thousands(b.score), max_drop));
  } else if (change > 0) {
    v.lines.push_back(fmt::format("improvement: score {} is {:.0f} % above the baseline's {}", with_thousands(score),
                                  change, with_thousands(b.score)));
  } else {
    v.lines.push_back(fmt::format("score {} is {:.0f} % below the baseline's {}, within {:g} %", with_thousands(score),
                                  -change, with_thousands(b.score), max_drop));
  }
  for (auto const& label : gated) {
    double const was = b.p99_ms.at(label);
    auto const* now =
        result.contains("endpoints") && result["endpoints"].contains(label) ? &result["endpoints"][label] : nullptr;
    if (now == nullptr || now->value("requests", std::int64_t{0}) <= 0) {
      // No answer at all has no latency: its p99 reads 0, which must not pass as the best p99 ever.
      v.regressed = true;
      v.lines.push_back(
          fmt::format("regression: {} got no answer at all (the baseline's p99 was {:.1f} ms)", label, was));
      continue;
    }
    double const p99 = (*now)["latency_ms"]["p99"].get<double>();
    double const rise = change_percent(p99, was);
    if (rise > max_drop) {
      v.regressed = true;
      v.lines.push_back(
          fmt::format("regression: p99 of {} is {:.1f} ms, {:.0f} % above the baseline's {:.1f} ms (allowed: {:g} %)",
                      label, p99, rise, was, max_drop));
    } else {
      v.lines.push_back(fmt::format("p99 of {} is {:.1f} ms against the baseline's {:.1f} ms", label, p99, was));
    }
  }
  return v;
}

}  // namespace candar::detail
