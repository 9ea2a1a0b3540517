#include "candar/agent/header_fields.hpp"

#include <algorithm>

#include "text.hpp"

namespace candar {

header_fields::header_fields(std::initializer_list<value_type> fields) {
  for (auto const& [name, value] : fields) add(name, value);
}

void header_fields::add(std::string_view name, std::string_view value) {
  // The value goes last: extend_last relies on the last field's value ending the text.
  auto const at = static_cast<std::uint32_t>(text_.size());
  text_.append(name).append(value);
  entries_.push_back({at, static_cast<std::uint32_t>(name.size()), static_cast<std::uint32_t>(at + name.size()),
                      static_cast<std::uint32_t>(value.size())});
}

void header_fields::extend_last(std::string_view more_text) {
  std::string const more(more_text);  // it may point into text_, which may move below
  auto& last = entries_.back();
  if (last.value_at + last.value_size != text_.size()) {
    // The value is not at the end of the text (held text): copy it there first, so that it can grow.
    auto const at = static_cast<std::uint32_t>(text_.size());
    text_.append(text_, last.value_at, last.value_size);
    last.value_at = at;
  }
  text_.append(1, ' ').append(more);
  last.value_size += static_cast<std::uint32_t>(1 + more.size());
}

std::string_view header_fields::hold(std::string_view block) {
  entries_.clear();
  text_.assign(block);
  return text_;
}

void header_fields::remove(std::string_view name) {
  header_fields kept;
  kept.reserve(entries_.size(), text_.size());
  for (auto const& [k, v] : *this) {
    if (!detail::ascii_iequal(k, name)) kept.add(k, v);
  }
  *this = std::move(kept);
}

void header_fields::reserve(std::size_t fields, std::size_t text_bytes) {
  entries_.reserve(fields);
  text_.reserve(text_bytes);
}

void header_fields::clear() noexcept {
  text_.clear();
  entries_.clear();
}

header_fields::value_type header_fields::operator[](std::size_t i) const {
  auto const& e = entries_[i];
  return {std::string_view(text_.data() + e.name_at, e.name_size),
          std::string_view(text_.data() + e.value_at, e.value_size)};
}

std::optional<std::string_view> header_fields::get(std::string_view name) const {
  for (auto const& [k, v] : *this) {
    if (detail::ascii_iequal(k, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string_view> header_fields::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (auto const& [k, v] : *this) {
    if (detail::ascii_iequal(k, name)) out.push_back(v);
  }
  return out;
}

bool operator==(header_fields const& a, header_fields const& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace candar
