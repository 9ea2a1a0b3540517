#include "stop_on_critical.hpp"

#include <algorithm>
#include <utility>

#include "candar/benchmark/step.hpp"

namespace candar::detail {

bool first_critical_error::keep(std::string summary) {
  std::lock_guard lock(mutex_);
  if (first_) return false;
  first_ = std::move(summary);
  return true;
}

std::string first_critical_error::summary() const {
  std::lock_guard lock(mutex_);
  return first_.value_or(std::string());
}

void stop_at_first_critical(benchmark& b, std::vector<std::string> critical, first_critical_error& first) {
  b.on_error([&b, &first, critical = std::move(critical)](error const& e, step& s) {
    auto const klass = b.result().errors().class_of(e);
    if (std::find(critical.begin(), critical.end(), klass) == critical.end()) return;
    if (first.keep(e.summary())) s.cancel();
  });
}

}  // namespace candar::detail
