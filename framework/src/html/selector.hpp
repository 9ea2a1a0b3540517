#pragma once
// A compiled CSS selector list (the subset document.hpp lists) and its matching against gumbo's tree,
// right to left as browsers match.
#include <gumbo.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace candar::html::detail {

// An element of the DOM: gumbo gives <template> a node type of its own (its contents are its children in
// gumbo's tree, though not in a browser's DOM).
inline bool is_element(GumboNode const* n) {
  return n != nullptr && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}

// CSS's whitespace, and ASCII lowercase (selectors and the HTML attribute values they compare).
inline bool is_css_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline std::string css_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

// The element's name in lowercase, also for elements gumbo does not know (custom elements).
std::string tag_name(GumboNode const* n);

class selector {
 public:
  // Throws selector_error.
  explicit selector(std::string_view text);
  // What one walk over a document learns about `~`, so that a parent of N children costs N and not N^2 (a page
  // of 200,000 siblings and "h2 ~ p"): for (element, compound index), whether an element sibling before it
  // matches the selector up to the compound before that index. Valid for one selector and one document.
  struct memo_key {
    void const* complex;  // which alternative of the selector
    GumboNode const* node;
    std::size_t index;
    bool operator==(memo_key const&) const = default;
  };
  struct memo_hash {
    std::size_t operator()(memo_key const& k) const noexcept {
      auto const h = std::hash<void const*>{};
      return h(k.node) * 31 + h(k.complex) * 7 + k.index;
    }
  };
  using sibling_memo = std::unordered_map<memo_key, bool, memo_hash>;
  [[nodiscard]] bool matches(GumboNode const* element, sibling_memo* memo = nullptr) const;

  struct attribute_test {
    std::string name;  // lowercase
    char op = 0;       // 0 (present), '=', '~', '|', '^', '$', '*'
    std::string value;
  };
  struct compound {
    std::string tag;  // lowercase; empty for any
    std::vector<std::string> ids;
    std::vector<std::string> classes;
    std::vector<attribute_test> attributes;
    bool first_child = false;
    bool last_child = false;
    std::vector<compound> negated;  // :not(...)
  };
  // compounds[i] is joined to compounds[i - 1] by combinators[i] (' ', '>', '+', '~'); combinators[0] unused.
  struct complex {
    std::vector<compound> compounds;
    std::vector<char> combinators;
  };

 private:
  static std::vector<complex> parse(std::string_view text);  // selector_parser.cpp

  std::vector<complex> alternatives_;
};

}  // namespace candar::html::detail
