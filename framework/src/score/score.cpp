#include "candar/score/score.hpp"

namespace candar {

score& score::set_weight(std::string_view tag, std::int64_t weight) {
  weights_.insert_or_assign(std::string(tag), weight);
  return *this;
}

score& score::set_default_weight(std::int64_t weight) {
  default_weight_ = weight;
  return *this;
}

score& score::set_deduction(std::string_view code, std::int64_t per_error) {
  deductions_.insert_or_assign(std::string(code), per_error);
  return *this;
}

void score::add(std::string_view tag, std::int64_t n) {
  counts_.with_local([&](count_map& m) {
    if (auto it = m.find(tag); it != m.end()) {
      it->second += n;
    } else {
      m.emplace(std::string(tag), n);
    }
  });
}

score::table score::breakdown() const {
  table out;
  for (auto const& [tag, w] : weights_) out.emplace(tag, 0);
  counts_.for_each([&](count_map const& m) {
    for (auto const& [tag, n] : m) out[tag] += n;
  });
  return out;
}

std::int64_t score::count(std::string_view tag) const {
  std::int64_t n = 0;
  counts_.for_each([&](count_map const& m) {
    if (auto it = m.find(tag); it != m.end()) n += it->second;
  });
  return n;
}

std::int64_t score::weight(std::string_view tag) const {
  auto it = weights_.find(tag);
  return it == weights_.end() ? default_weight_ : it->second;
}

std::int64_t score::sum() const {
  std::int64_t s = 0;
  for (auto const& [tag, n] : breakdown()) s += n * weight(tag);
  return s;
}

score::table score::deductions(error_collection const& errors) const {
  table out;
  for (auto const& [code, per_error] : deductions_) out.emplace(code, errors.count(code) * per_error);
  return out;
}

std::int64_t score::deduction(error_collection const& errors) const {
  std::int64_t d = 0;
  for (auto const& [code, amount] : deductions(errors)) d += amount;
  return d;
}

std::int64_t score::total(error_collection const& errors) const { return sum() - deduction(errors); }

}  // namespace candar
