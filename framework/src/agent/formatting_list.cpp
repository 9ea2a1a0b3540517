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

std::size_t formatting_list::started(std::size_t name, std::size_t bytes, std::size_t tag) {
  by_name_[name].push_back({bytes, tag, true});
  ++count_;
  latest_tag_ = std::max(latest_tag_, tag);
  return by_name_[name].size() - 1;
}

bool formatting_list::ended(std::size_t name) {
  auto& list = by_name_[name];
  if (list.empty()) return false;
  bool const open = list.back().open;
  if (!open) dormant_bytes_ -= list.back().bytes;
  list.pop_back();
  --count_;
  return open;
}

void formatting_list::closed(std::size_t name, std::size_t place) {
  if (place < by_name_[name].size()) make_dormant(by_name_[name][place]);
}

void formatting_list::closed_since(std::size_t tag) {
  // Those started before the last call are dormant already (none opens again): each entry is passed once,
  // however many end tags of paragraphs follow.
  auto const after = std::max(tag, swept_through_);
  for (auto& list : by_name_) {
    for (auto it = list.rbegin(); it != list.rend() && it->tag > after; ++it) make_dormant(*it);
  }
  swept_through_ = latest_tag_;
}

void formatting_list::make_dormant(entry& e) {
  if (!e.open) return;
  e.open = false;
  dormant_bytes_ += e.bytes;
}

}  // namespace candar::detail
