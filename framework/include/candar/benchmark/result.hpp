#pragma once
// What a benchmark run produced: the score, the errors, and when each phase ran. Live while the run goes on
// (steps and the progress line read it), final once run() returns.
#include <array>
#include <chrono>
#include <optional>

#include "candar/benchmark/phase.hpp"
#include "candar/context/context.hpp"
#include "candar/failure/error_collection.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/score/score.hpp"

namespace candar {

struct phase_record {
  bool ran = false;
  bool failed = false;  // an error or a timeout in the phase (what makes a failed Prepare skip the rest)
  std::chrono::steady_clock::time_point start{};
  std::chrono::steady_clock::time_point end{};
  std::chrono::system_clock::time_point wall_start{};
  [[nodiscard]] std::chrono::steady_clock::duration duration() const { return end - start; }
};

class result {
 public:
  result() = default;
  result(result const&) = delete;
  result& operator=(result const&) = delete;

  [[nodiscard]] candar::score& score() noexcept { return score_; }
  [[nodiscard]] candar::score const& score() const noexcept { return score_; }
  [[nodiscard]] error_collection& errors() noexcept { return errors_; }
  [[nodiscard]] error_collection const& errors() const noexcept { return errors_; }
  // Errors reported after their phase had ended (or the run was stopped): mostly requests canceled because
  // the Load window closed. Not the webapp's fault, so never deductions; kept to be shown.
  [[nodiscard]] error_collection& errors_after_window() noexcept { return after_window_; }
  [[nodiscard]] error_collection const& errors_after_window() const noexcept { return after_window_; }
  // Per-endpoint request metrics: give &metrics() to the agents (agent_options::metrics).
  [[nodiscard]] endpoint_metrics& metrics() noexcept { return metrics_; }
  [[nodiscard]] endpoint_metrics const& metrics() const noexcept { return metrics_; }

  [[nodiscard]] phase_record const& record(phase p) const noexcept { return phases_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] phase_record& record(phase p) noexcept { return phases_[static_cast<std::size_t>(p)]; }
  [[nodiscard]] bool prepare_failed() const noexcept { return record(phase::prepare).failed; }
  // Why the run stopped before its end, if it did: canceled (step.cancel(), a hook, SIGINT).
  [[nodiscard]] stop_reason interrupted() const noexcept { return interrupted_; }
  void set_interrupted(stop_reason r) noexcept { interrupted_ = r; }

 private:
  candar::score score_;
  error_collection errors_;
  error_collection after_window_{1000};
  endpoint_metrics metrics_;
  std::array<phase_record, 3> phases_{};
  stop_reason interrupted_ = stop_reason::none;
};

}  // namespace candar
