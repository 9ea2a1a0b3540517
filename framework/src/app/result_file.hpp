#pragma once
// The JSON result a CI job reads: pass, score, breakdown, deductions, errors by category and code with the
// first messages of each, the errors after the phase window, per-endpoint counts and latency percentiles, the
// phases, the benchmarker's own CPU use, and whether the run was interrupted. The contest adds its own fields.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "candar/app/benchmarker_app.hpp"
#include "candar/benchmark/result.hpp"
#include "exit_policy.hpp"

namespace candar::detail {

struct run_summary {
  verdict outcome;
  bool interrupted = false;
  std::string stopped_at_critical;  // the first critical error, when it ended the run (stop_on_critical)
  std::string internal_error;       // empty unless the benchmarker itself failed
  double wall_seconds = 0;
  double cpu_seconds = 0;
};

[[nodiscard]] nlohmann::json result_json(candar::result const& r, run_settings const& settings, run_summary const& s);
// What is known when the run is given up (it did not stop, or std::terminate): the score and the error counts
// so far, with the reason as an internal error.
[[nodiscard]] nlohmann::json given_up_json(candar::result const& r, std::string const& contest, std::string const& why,
                                           int code);
// Writes through a temporary file and a rename, so a reader never sees half a result. Throws on failure.
void write_result(std::string const& path, nlohmann::json const& j);
// The same for any text (the HTML report).
void write_file_atomically(std::string const& path, std::string const& text);

}  // namespace candar::detail
