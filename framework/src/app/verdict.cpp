#include "candar/app/verdict.hpp"

#include <fmt/format.h>

namespace candar {

verdict judge(run_facts const& f) {
  verdict v;
  if (f.prepare_failed) v.reasons.emplace_back("the Prepare phase failed (initialize or its validation pass)");
  // Not "the data differs": a Validate request may also have timed out; its errors say which.
  if (f.validate_failed) v.reasons.emplace_back("the Validate phase failed (its errors say what differed or did not answer)");
  if (f.critical_errors > 0) v.reasons.push_back(fmt::format("{} critical (validation) error(s)", f.critical_errors));
  if (f.errors > f.error_limit) v.reasons.push_back(fmt::format("{} errors, more than the limit of {}", f.errors, f.error_limit));
  if (f.score <= 0) v.reasons.push_back(fmt::format("a score of {}: it must be above zero", f.score));
  v.pass = v.reasons.empty();
  return v;
}

}  // namespace candar
