#include "candar/failure/category.hpp"

#include "candar/failure/codes.hpp"

namespace candar {

std::string_view to_string(category c) noexcept {
  switch (c) {
    case category::initialize: return "initialize";
    case category::scenario: return "scenario";
    case category::validation: return "validation";
    case category::internal: return "internal";
    case category::unexpected: return "unexpected";
  }
  return "unexpected";
}

error_categories& error_categories::assign(std::string_view code, category c) {
  by_code_.insert_or_assign(std::string(code), c);
  return *this;
}

category error_categories::classify(error const& e) const {
  for (auto const& f : e.chain()) {
    if (auto it = by_code_.find(f.code); it != by_code_.end()) return it->second;
  }
  // A panic is the benchmarker's own bug unless a contest says otherwise.
  if (e.has(codes::panic) || e.has(codes::benchmarker)) return category::internal;
  return category::unexpected;
}

error_collection::classifier error_categories::classifier() const {
  return [copy = *this](error const& e) { return std::string(to_string(copy.classify(e))); };
}

}  // namespace candar
