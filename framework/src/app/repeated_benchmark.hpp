#pragma once
// --repeat N: the runs one after the other (repeated_runs.hpp), their scores summarized, one verdict for the
// whole by the same exit policy as a single run (any failed run fails the whole), the median gated against
// the baseline, and the result written with every run in it.
#include "app_flags.hpp"

namespace candar::detail {

// Returns the exit code.
int run_repeated(app_flags& flags);

}  // namespace candar::detail
