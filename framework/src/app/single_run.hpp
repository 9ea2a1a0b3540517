#pragma once
// One run of the benchmark in this process: the loops and the benchmark are made (kept by the caller until
// it goes, so that a contest's agents are destroyed after the loops), the contest set up, the phases run under
// a supervisor, the verdict decided, the result written before the loops are stopped, and the summary printed.
#include <optional>

#include "app_flags.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar::detail {

// Returns the exit code.
int run_once(app_flags& flags, contest_definition const& contest, std::optional<runtime>& loops,
             std::optional<benchmark>& bench);

}  // namespace candar::detail
