#include "saturation.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace candar::detail {

void saturation_count::load_second(double seconds, double lag_ms, double cpu_share) {
  if (seconds <= 0) return;
  load_ += seconds;
  bool const late = lag_ms > rules_.max_lag_ms;
  bool const busy = loops_ > 0 && cpu_share >= rules_.max_cpu_fraction * static_cast<double>(loops_);
  if (late || busy) saturated_ += seconds;
  worst_lag_ms_ = std::max(worst_lag_ms_, lag_ms);
  worst_cpu_ = std::max(worst_cpu_, cpu_share);
}

bool saturation_count::invalid() const noexcept {
  return load_ > 0 && share() >= rules_.max_share && saturated_ >= rules_.min_seconds;
}

std::string saturation_count::sentence() const {
  return fmt::format("the benchmarker was saturated for {:.0f} % of the load ({:.0f} of {:.0f} s; event loops late by up to "
                     "{:.0f} ms, CPU up to {:.2f} of its {} loops)",
                     share() * 100, saturated_, load_, worst_lag_ms_, worst_cpu_, loops_);
}

}  // namespace candar::detail
