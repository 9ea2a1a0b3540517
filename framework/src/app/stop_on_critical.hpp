#pragma once
// contest_definition::stop_on_critical: the first error of a critical class ends the run, and is kept for the
// verdict.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "candar/benchmark/benchmark.hpp"

namespace candar::detail {

// Written by the error hook on whichever thread adds the error; read after the run.
class first_critical_error {
 public:
  // True for the first one only.
  bool keep(std::string summary);
  [[nodiscard]] std::string summary() const;

 private:
  mutable std::mutex mutex_;
  std::optional<std::string> first_;
};

// Adds the hook to `b`: an error whose class (the result's classifier) is one of `critical` is kept in `first`
// and cancels the run. `b` and `first` outlive the run.
void stop_at_first_critical(benchmark& b, std::vector<std::string> critical, first_critical_error& first);

}  // namespace candar::detail
