#pragma once
// Sorting errors for the contestant, the way ISUCON benchmarks do: which part of the run went wrong.
#include <map>
#include <string>
#include <string_view>

#include "candar/failure/error.hpp"
#include "candar/failure/error_collection.hpp"

namespace candar {

enum class category {
  initialize,  // /initialize or the Prepare phase failed: the run cannot be scored
  scenario,    // a request of a load scenario failed (status, timeout, ...): a deduction
  validation,  // the webapp answered with wrong data: critical, the run fails
  internal,    // the benchmarker itself failed
  unexpected,  // no code of the error was assigned a category
};

std::string_view to_string(category c) noexcept;

// Maps codes to categories. An error's category is the most severe of its chain's codes' categories:
// internal > initialize > validation > scenario (unexpected when no code has one). So `body` assigned
// validation stays critical when a flow wraps it (`visit > body`), whatever category `visit` has. `panic` and
// `benchmarker` are internal unless assigned.
class error_categories {
 public:
  error_categories& assign(std::string_view code, category c);
  [[nodiscard]] category classify(error const& e) const;
  // For error_collection::set_classifier: counts errors by category name as they are added.
  [[nodiscard]] error_collection::classifier classifier() const;

 private:
  std::map<std::string, category, std::less<>> by_code_;
};

}  // namespace candar
