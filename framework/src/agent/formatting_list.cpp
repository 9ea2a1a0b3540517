#include "formatting_list.hpp"

#include <algorithm>

namespace candar::detail {

namespace {
constexpr std::array<std::string_view, formatting_list::names> formatting_names = {
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"};
}  // namespace

std::size_t formatting_list::index_of(std::string_view name) noexcept {
  return static_cast<std::size_t>(std::find(formatting_names.begin(), formatting_names.end(), name) -
                                  formatting_names.begin());
}

void formatting_list::started(std::size_t name, std::size_t bytes) {
  by_name_[name].push_back(bytes);
  ++count_;
  bytes_ += bytes;
}

void formatting_list::ended(std::size_t name) {
  auto& list = by_name_[name];
  if (list.empty()) return;
  bytes_ -= list.back();
  list.pop_back();
  --count_;
}

}  // namespace candar::detail
