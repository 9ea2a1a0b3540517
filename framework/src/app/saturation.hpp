#pragma once
// Was the benchmarker itself the bottleneck? A second of the Load phase is saturated when an event loop ran
// more than `max_lag` late (a request scheduled then started that late), or when the benchmarker used at least
// `max_cpu_fraction` of the cores its loops can use. A run whose Load had saturated seconds for at least
// `max_share` of its length, and at least `min_seconds` of them, is invalid: its score says more about the
// benchmarker's machine than about the webapp, so CI must not compare it (exit 5). The thresholds are generous
// on purpose: a loaded machine that merely slows a run must not void it.
#include <cstddef>
#include <string>

namespace candar::detail {

struct saturation_rules {
  double max_lag_ms = 500;
  double max_cpu_fraction = 0.97;
  double max_share = 0.25;
  double min_seconds = 2.5;  // "at least three seconds", with room for the sampler's jitter
};

class saturation_count {
 public:
  explicit saturation_count(std::size_t loops, saturation_rules rules = {}) : loops_(loops), rules_(rules) {}

  // One second (or stretch of `seconds`) of the Load phase: its worst loop lag and CPU seconds per second.
  void load_second(double seconds, double lag_ms, double cpu_share);

  [[nodiscard]] double load_seconds() const noexcept { return load_; }
  [[nodiscard]] double saturated_seconds() const noexcept { return saturated_; }
  [[nodiscard]] double share() const noexcept { return load_ > 0 ? saturated_ / load_ : 0.0; }
  [[nodiscard]] bool invalid() const noexcept;
  // "the benchmarker was saturated for 35 % of the load (7 of 20 s: event loops late by up to 950 ms)".
  [[nodiscard]] std::string sentence() const;
  [[nodiscard]] double worst_lag_ms() const noexcept { return worst_lag_ms_; }

 private:
  std::size_t loops_;
  saturation_rules rules_;
  double load_ = 0;
  double saturated_ = 0;
  double worst_lag_ms_ = 0;
  double worst_cpu_ = 0;
};

}  // namespace candar::detail
