#pragma once
// Pass or fail, and then the exit code: pure functions, the same for one run and for --repeat, tested over
// their whole table.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace candar::detail {

// What the run produced, for the pass/fail judgement.
struct run_facts {
  bool prepare_failed = false;
  bool validate_failed = false;
  std::int64_t critical_errors = 0;  // errors of a critical class (default: validation)
  std::int64_t errors = 0;           // every error
  std::int64_t error_limit = 0;
  std::int64_t score = 0;  // the total after deductions
};

struct verdict {
  bool pass = false;
  std::vector<std::string> reasons{};  // why it failed, one sentence each; empty on a pass
};

[[nodiscard]] verdict judge(run_facts const& f);

// Who failed, for the exit code. For --repeat, the runs' outcomes joined: any run's failure is the whole's.
struct run_outcome {
  bool internal_error = false;  // candar itself failed
  bool webapp_failed = false;   // on correctness (Prepare, Validate, a critical error): never "invalid"
  bool interrupted = false;     // a signal; for --repeat, also fewer runs than asked
  bool passed = true;           // judge()'s pass: the score and the error limit
  bool valid = true;            // the benchmarker was neither saturated nor short of its own resources
  bool regressed = false;       // the baseline gate, which only a passing valid run reaches
};

struct exit_decision {
  int code = 0;
  std::string_view verdict;  // the result's "verdict": pass, fail, internal-error, regression, invalid
};

// An internal error first (3); then a webapp that failed on correctness or a run cut short (1); then a run that
// measured the benchmarker's limits (5: a low score then says nothing of the webapp); then a failed judgement
// (1); then the gate (4).
[[nodiscard]] exit_decision decide(run_outcome const& o);

}  // namespace candar::detail
