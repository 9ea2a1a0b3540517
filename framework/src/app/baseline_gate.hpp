#pragma once
// The CI gate: a run compared with an earlier result of the same contest (--baseline FILE). The score may
// fall, and each chosen endpoint's p99 rise (--gate-p99 LABEL), by at most --max-drop percent; beyond that
// the run is a regression (exit 4), named with its figures: "score 65,535 is 91 % below the baseline's
// 727,022 (allowed: 10 %)". An improvement is said too. A baseline that cannot be read, is not a candar
// result, or comes from another contest is a usage error found before the run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace candar::detail {

struct baseline {
  std::string file;
  std::int64_t score = 0;
  std::map<std::string, double> p99_ms;  // of the gated endpoints
  // Every endpoint's requests and p99, for the report's side-by-side table (not gated unless named).
  nlohmann::json endpoints;
};

struct gate_verdict {
  bool regressed = false;
  std::vector<std::string> lines;  // one per figure compared
};

// Throws std::invalid_argument with the reason.
[[nodiscard]] baseline read_baseline(std::string const& file, std::string const& contest,
                                     std::vector<std::string> const& gated);

// `spread_percent`: of repeated runs (0 for one run). A fall beyond the tolerance but inside the spread is
// "inconclusive", not a regression: the runs themselves differ that much.
[[nodiscard]] gate_verdict compare_with(baseline const& b, nlohmann::json const& result, double max_drop_percent,
                                        std::vector<std::string> const& gated, double spread_percent = 0);

// 727022 as "727,022".
[[nodiscard]] std::string with_thousands(std::int64_t n);

}  // namespace candar::detail
