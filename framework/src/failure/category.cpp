#include "candar/failure/category.hpp"

#include "candar/failure/codes.hpp"

namespace candar {

std::string_view to_string(category c) noexcept {
  switch (c) {
    case category::initialize:
      return "initialize";
    case category::scenario:
      return "scenario";
    case category::validation:
      return "validation";
    case category::internal:
      return "internal";
    case category::unexpected:
      return "unexpected";
  }
  return "unexpected";
}

error_categories& error_categories::assign(std::string_view code, category c) {
  by_code_.insert_or_assign(std::string(code), c);
  return *this;
}

namespace {

// Higher is more severe: wrong data found inside a flow's failure fails the run whatever the flow's own code
// says, and a bug of ours is never hidden behind the webapp's fault.
int severity(category c) noexcept {
  switch (c) {
    case category::unexpected:
      return 0;
    case category::scenario:
      return 1;
    case category::validation:
      return 2;
    case category::initialize:
      return 3;
    case category::internal:
      return 4;
  }
  return 0;
}

}  // namespace

category error_categories::classify(error const& e) const {
  auto worst = category::unexpected;
  for (auto const& f : e.chain()) {
    auto c = category::unexpected;
    if (auto it = by_code_.find(f.code); it != by_code_.end()) {
      c = it->second;
    } else if (f.code == codes::panic || f.code == codes::benchmarker) {
      c = category::internal;  // the benchmarker's own bug, unless the contest assigned the code
    }
    if (severity(c) > severity(worst)) worst = c;
  }
  return worst;
}

error_collection::classifier error_categories::classifier() const {
  return [copy = *this](error const& e) { return std::string(to_string(copy.classify(e))); };
}

}  // namespace candar
