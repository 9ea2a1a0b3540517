#include "utc_time.hpp"

#include <time.h>

#include <fmt/format.h>

namespace candar::detail {

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t const seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
}

}  // namespace candar::detail
