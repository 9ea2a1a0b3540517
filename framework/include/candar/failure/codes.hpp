#pragma once
// The error codes the framework itself gives. A contest defines its own codes as plain strings beside these.
#include <string_view>

namespace candar::codes {
inline constexpr std::string_view timeout = "timeout";        // a deadline passed (phase, request, context)
inline constexpr std::string_view canceled = "canceled";      // someone stopped the work (step.cancel(), SIGINT)
inline constexpr std::string_view connection = "connection";  // refused, reset, unreachable, closed early
inline constexpr std::string_view panic = "panic";            // an exception escaped a step or an iteration
inline constexpr std::string_view io = "io";                  // any other system error
// The benchmarker itself ran out of something (file descriptors): never the webapp's doing. Such an error is
// counted under this code alone, deducts nothing, and makes the run invalid.
inline constexpr std::string_view benchmarker = "benchmarker";
}  // namespace candar::codes
