#pragma once
// The result as one self-contained HTML page (--report FILE.html): the result's JSON, the page's style and
// its drawing script all inline, so it opens from a CI artifact with no network. The page draws the verdict,
// the breakdown, the timeline's charts (score and load level, requests and errors per endpoint, latency
// percentiles, the benchmarker's CPU and lag), the endpoint and error tables, and, when present, the repeated
// runs' spread and the comparison with the baseline; with the HAR of --har, the flow of each first error, its
// messages linked to it. The page's sources are framework/src/app/report/.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace candar::detail {

[[nodiscard]] std::string html_report(nlohmann::json const& result, nlohmann::json const* har = nullptr);

}  // namespace candar::detail
