#pragma once
// When each arrival of an arrival-rate run is due: the rate is piecewise linear (a start rate, then stages
// that move it to their targets), the number of arrivals due by time t is the integral N(t) of the rate, and
// arrival k is due at the first t where N(t) = k (so after a stretch at rate zero, where N stays flat, when
// the rate rises again). Arrival 0 is due at the start unless the rate starts at zero, arrivals are evenly
// spread at a constant rate, and the run holds exactly the arrivals k < N(end).
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "candar/worker/arrival_rate.hpp"

namespace candar::detail {

class arrival_schedule {
 public:
  // Throws std::invalid_argument for a negative or non-finite rate, no stages, or a stage without a duration.
  arrival_schedule(double start_rate, std::vector<rate_stage> const& stages);

  // From the start; nullopt when arrival k is not in the run (k < 0, or the stages end before it is due).
  [[nodiscard]] std::optional<std::chrono::nanoseconds> due(std::int64_t k) const;
  // How many arrivals the run holds.
  [[nodiscard]] std::int64_t count() const noexcept { return count_; }
  // How many are due at or before `elapsed` from the start.
  [[nodiscard]] std::int64_t due_by(std::chrono::nanoseconds elapsed) const;

 private:
  struct piece {
    double begin_s = 0, seconds = 0;  // where the stage starts, and its length
    double from = 0, to = 0;          // the rate at its start and end
    double arrivals_before = 0;       // N at its start
    double arrivals = 0;              // N over it
  };
  std::vector<piece> pieces_;
  double total_ = 0;
  std::int64_t count_ = 0;
};

}  // namespace candar::detail
