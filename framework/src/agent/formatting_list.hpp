#pragma once
// The HTML tree builder's list of active formatting elements (a, b, i, ...), as far as tags alone tell, for
// html_bounds. While one is on the list, the tree builder may clone it, attributes and all: into the next text
// after something closed it (reconstruction: an enclosing end tag, a <p>, a <button>, the end of a
// foreignObject...), and in the adoption agency. Which of those happen is the whole tree builder's business;
// the bound here is what it could copy at most: every entry's bytes, at every tag while it is on the list.
// An entry leaves the list at its end tag, unless the tree builder would keep it (adoption_agency_keeps).
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace candar::detail {

class formatting_list {
 public:
  static constexpr std::size_t names = 14;
  // The name's place among the formatting elements, or `names` when it is not one.
  [[nodiscard]] static std::size_t index_of(std::string_view name) noexcept;

  // A formatting start tag of `bytes`.
  void started(std::size_t name, std::size_t bytes);
  // Its end tag: the latest of that name leaves the list.
  void ended(std::size_t name);

  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  // What its clones at one tag could copy: every entry's bytes.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::array<std::vector<std::size_t>, names> by_name_{};  // each entry's bytes, in start order
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

// The adoption agency (WHATWG 13.2.6.4.7) runs its outer loop 8 times at most, each taking one special element
// above the formatting element out: with 8 or more above it, the element stays on the list.
[[nodiscard]] constexpr bool adoption_agency_keeps(std::size_t special_elements_above) noexcept {
  return special_elements_above >= 8;
}

}  // namespace candar::detail
