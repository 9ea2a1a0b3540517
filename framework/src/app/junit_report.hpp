#pragma once
// --junit FILE: the run as JUnit XML, the format GitLab, Jenkins and GitHub's test reporters read. One test
// case per check a CI user cares about: the verdict; each phase (skipped when it did not run); each code of
// the critical errors (or one passing case when there were none); with --baseline, the score and each gated
// p99; with --repeat, each run. Failed cases carry the message and the figures.
#include <string>

#include <nlohmann/json.hpp>

namespace candar::detail {

// From the JSON result (the same for one run and for --repeat). Text is escaped for XML, and characters XML
// 1.0 cannot hold are dropped.
[[nodiscard]] std::string junit_xml(nlohmann::json const& result);

}  // namespace candar::detail
