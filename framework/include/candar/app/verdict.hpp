#pragma once
// Pass or fail, from what the run produced: a pure function, tested with exact numbers.
#include <cstdint>
#include <string>
#include <vector>

namespace candar {

struct run_facts {
  bool prepare_failed = false;
  bool validate_failed = false;
  std::int64_t critical_errors = 0;  // errors of a critical class (default: validation)
  std::int64_t errors = 0;           // every error
  std::int64_t error_limit = 0;
  std::int64_t score = 0;            // the total after deductions
};

struct verdict {
  bool pass = false;
  std::vector<std::string> reasons{};  // why it failed, one sentence each; empty on a pass
};

[[nodiscard]] verdict judge(run_facts const& f);

}  // namespace candar
