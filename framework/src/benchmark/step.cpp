#include "candar/benchmark/step.hpp"

#include <algorithm>

#include "benchmark_run.hpp"
#include "candar/context/spawn.hpp"
#include "candar/failure/codes.hpp"

namespace candar {

runtime& step::runtime() const noexcept { return *run_.rt; }

candar::result const& step::result() const noexcept { return run_.result; }

endpoint_metrics& step::metrics() const noexcept { return run_.result.metrics(); }

void step::add_error(error e) {
  if (context_.done()) {
    // The phase (or the run) has ended: what fails now failed because it was cut off (a request canceled at the
    // end of Load), not through the webapp's fault. Counted apart, never a deduction.
    if (!run_.ignored(e)) run_.result.errors_after_window().add(std::move(e));
    return;
  }
  run_.record(e, *this);
}

void step::add_score(std::string_view tag, std::int64_t n) {
  if (context_.done()) return;
  run_.result.score().add(tag, n);
}

void step::add_exception(std::exception_ptr const& e) {
  if (!e) return;
  if (is_cancellation(e) && context_.done()) {
    // The phase ending is the normal end of Load; for Prepare and Validate it means they did not finish.
    if (phase_ == phase::load) return;
    run_.record(error(to_code(context_.reason()), "did not finish before the phase ended").wrap(to_string(phase_)),
                *this);
    return;
  }
  if (!run_.options.catch_panics) {
    std::lock_guard lock(run_.exception_mutex);
    if (!run_.first_uncaught) run_.first_uncaught = e;
    run_.root.cancel();
    return;
  }
  add_error(error(codes::panic, scenario_ + ": " + exception_message(e)).wrap(to_string(phase_)));
}

void step::cancel() { run_.root.cancel(); }

namespace detail {
void benchmark_run::record(error const& e, step& s) {
  if (ignored(e)) return;
  result.errors().add(e);
  for (auto const& hook : hooks) hook(e, s);
}

bool benchmark_run::ignored(error const& e) const {
  return std::any_of(options.ignore_codes.begin(), options.ignore_codes.end(),
                     [&](std::string const& code) { return e.has(code); });
}
}  // namespace detail

}  // namespace candar
