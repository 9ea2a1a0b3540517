#include "candar/agent/response.hpp"

#include <algorithm>
#include <cctype>

#include "text.hpp"

namespace candar {

namespace {
bool same_name(std::string_view a, std::string_view b) { return detail::ascii_iequal(a, b); }
}  // namespace

std::optional<std::string_view> response::header(std::string_view name) const {
  for (auto const& [k, v] : headers) {
    if (same_name(k, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string_view> response::headers_named(std::string_view name) const {
  std::vector<std::string_view> out;
  for (auto const& [k, v] : headers) {
    if (same_name(k, name)) out.emplace_back(v);
  }
  return out;
}

}  // namespace candar
