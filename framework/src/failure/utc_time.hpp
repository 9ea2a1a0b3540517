#pragma once
// A moment as RFC 3339 in UTC with milliseconds ("2026-12-06T21:27:12.722Z"), as HAR files and log pipelines
// read it.
#include <chrono>
#include <string>

namespace candar::detail {

[[nodiscard]] std::string rfc3339_utc(std::chrono::system_clock::time_point t);

}  // namespace candar::detail
