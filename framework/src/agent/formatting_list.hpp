#pragma once
// The HTML tree builder's list of active formatting elements (a, b, i, ...), as far as tags alone tell, for
// html_bounds. A formatting element closed by something around it (an enclosing end tag, a <p> that ends the
// paragraph it was in) stays on the list, dormant, until its own end tag: the tree builder clones it, with
// its attributes, into the next text it meets (reconstruction). What a page can make the parser copy is
// what this list counts.
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

  // A formatting start tag of `bytes`, now open; `tag` is its start tag's number in the page.
  // Returns its place among those of its name (for closed()).
  std::size_t started(std::size_t name, std::size_t bytes, std::size_t tag);
  // Its end tag: the latest of that name leaves the list. True when it was open (the tree builder then
  // closes it and what it holds); false when it was dormant or there was none (nothing else happens).
  bool ended(std::size_t name);
  // An open one closed by an enclosing end tag: dormant.
  void closed(std::size_t name, std::size_t place);
  // Every open one started after start tag number `tag` is closed (the paragraph or list item they were
  // in ended): dormant.
  void closed_since(std::size_t tag);

  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  // The bytes a reconstruction copies now.
  [[nodiscard]] std::size_t dormant_bytes() const noexcept { return dormant_bytes_; }

 private:
  struct entry {
    std::size_t bytes;
    std::size_t tag;
    bool open;
  };
  void make_dormant(entry& e);

  std::array<std::vector<entry>, names> by_name_{};  // each in start order
  std::size_t count_ = 0;
  std::size_t dormant_bytes_ = 0;
  std::size_t latest_tag_ = 0;     // the number of the latest start tag
  std::size_t swept_through_ = 0;  // those started after the last closed_since's tag, up to this one, are dormant
};

}  // namespace candar::detail
