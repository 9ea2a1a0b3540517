#pragma once
// --repeat N: the whole benchmark N times, each in a fresh process of this same program (its own event loops,
// contest objects and /initialize, exactly as N separate invocations would run), one after the other. The
// parent reads each run's result and reports the scores, their median, min, max and spread (max - min, in
// percent of the median). The verdict: every run must pass (any failed run fails the whole, exit 1); a run the
// benchmarker saturated makes the whole invalid (exit 5); the score reported, and gated, is the median.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace candar::detail {

struct repeat_summary {
  std::vector<std::int64_t> scores;
  std::int64_t median = 0, min = 0, max = 0;
  double spread_percent = 0;
  [[nodiscard]] nlohmann::json to_json() const;
};

[[nodiscard]] repeat_summary summarize(std::vector<std::int64_t> scores);

// This program's arguments for one of the runs: `args` without the options the parent keeps for itself
// (--repeat, --result, --baseline, --max-drop, --gate-p99, --report-fd), with --result `result_file`.
[[nodiscard]] std::vector<std::string> child_arguments(std::vector<std::string> const& args,
                                                       std::string const& result_file);

// Runs this program (/proc/self/exe) with `args`, in a process group of its own (a Ctrl-C reaches it once,
// passed on by us: forward_stop_signals), its output where ours goes. Returns its exit code (128 + the signal
// when one ended it), or -1 when it could not be started.
int run_self(std::vector<std::string> const& args);

// From now on SIGINT and SIGTERM are passed on to the run under way, which stops and writes its result (the
// parent then runs no more); stop_requested() says whether one came.
void forward_stop_signals();
[[nodiscard]] bool stop_requested() noexcept;

}  // namespace candar::detail
