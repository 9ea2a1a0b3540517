#pragma once
// What a scenario's Prepare, Load or Validate function is handed: its context, a way to report errors and
// score, a way to stop the whole run, and the live result.
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "candar/benchmark/phase.hpp"
#include "candar/benchmark/result.hpp"
#include "candar/context/context.hpp"
#include "candar/failure/error.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {

namespace detail {
struct benchmark_run;
}

class step {
 public:
  step(detail::benchmark_run& run, std::string scenario, phase p, candar::context ctx)
      : run_(run), scenario_(std::move(scenario)), phase_(p), context_(std::move(ctx)) {}
  step(step const&) = delete;
  step& operator=(step const&) = delete;

  // Ends with the phase (its timeout) or the run (cancel()).
  [[nodiscard]] candar::context const& context() const noexcept { return context_; }
  [[nodiscard]] candar::runtime& runtime() const noexcept;
  [[nodiscard]] phase current_phase() const noexcept { return phase_; }
  [[nodiscard]] std::string const& scenario() const noexcept { return scenario_; }

  // Errors carrying an ignored code are dropped; the others are collected and shown to the error hooks. Once
  // the step's context has ended (its phase is over, or the run was stopped) an error goes to
  // result().errors_after_window() instead: a request cut off by the end of Load is not a deduction.
  void add_error(error e);
  // Scores only while the step's context runs: a response that completes after the phase ended does not count.
  void add_score(std::string_view tag, std::int64_t n = 1);
  // Records an exception that escaped scenario code as a `panic` error (or as the phase's timeout/canceled
  // error when it is the cancellation of an ended context).
  void add_exception(std::exception_ptr const& e);
  // Stops the whole run: every phase's context ends with reason canceled.
  void cancel();

  [[nodiscard]] candar::result const& result() const noexcept;
  // The run's per-endpoint metrics, for an agent made in the step: agent_options::metrics = &s.metrics().
  [[nodiscard]] endpoint_metrics& metrics() const noexcept;

 private:
  detail::benchmark_run& run_;
  std::string scenario_;
  phase phase_;
  candar::context context_;
};

}  // namespace candar
