#include "exit_policy.hpp"

#include <fmt/format.h>

namespace candar::detail {

verdict judge(run_facts const& f) {
  verdict v;
  if (f.prepare_failed) v.reasons.emplace_back("the Prepare phase failed (initialize or its validation pass)");
  // Not "the data differs": a Validate request may also have timed out; its errors say which.
  if (f.validate_failed)
    v.reasons.emplace_back("the Validate phase failed (its errors say what differed or did not answer)");
  if (f.critical_errors > 0) v.reasons.push_back(fmt::format("{} critical (validation) error(s)", f.critical_errors));
  if (f.errors > f.error_limit)
    v.reasons.push_back(fmt::format("{} errors, more than the limit of {}", f.errors, f.error_limit));
  if (f.score <= 0) v.reasons.push_back(fmt::format("a score of {}: it must be above zero", f.score));
  v.pass = v.reasons.empty();
  return v;
}

exit_decision decide(run_outcome const& o) {
  if (o.internal_error) return {3, "internal-error"};
  if (o.webapp_failed || o.interrupted) return {1, "fail"};
  if (!o.valid) return {5, "invalid"};
  if (!o.passed) return {1, "fail"};
  if (o.regressed) return {4, "regression"};
  return {0, "pass"};
}

}  // namespace candar::detail
