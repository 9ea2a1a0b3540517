#pragma once
// HTML's tokenizer and tree builder, as far as html_bounds needs them: tags read as the tokenizer reads them, and
// the element classes the tree builder treats apart (void, raw text, special, scope markers, ...).
#include <cstddef>
#include <string>
#include <string_view>

namespace candar::detail::markup {

struct tag {
  std::string name;          // lowercased, at most 15 characters (no name it is compared with is longer)
  std::string_view written;  // the name as written, whole
  std::size_t end = 0;       // just after its '>' (or the end of the input)
  std::size_t attributes = 0;
  bool self_closing = false;  // "/>" where an attribute name could start (not "a=b/>", whose value is "b/")
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Elements that never hold others (HTML's void elements, and the obsolete ones parsed as such).
bool is_void(std::string_view n);

// Elements a sibling of their kind closes, or that exist once: they add no depth by themselves.
bool is_closed_by_siblings(std::string_view n);

// Elements whose contents are text up to their own end tag (RAWTEXT and RCDATA; gumbo parses <noscript> as
// with scripting off: markup). <script> has escapes of its own: script_end().
bool is_raw_text(std::string_view n);

// HTML's special elements: an end tag of another name does not close anything past one (the tree builder's
// "any other end tag").
bool is_special(std::string_view n);

// The elements an end tag of a special element does not close past ("has an element in scope").
bool is_scope_marker(std::string_view n);

// Start tags that end SVG or MathML content (the tree builder's breakout list).
bool breaks_out_of_foreign(std::string_view n);

// Whether "</name" at `at` is followed by what ends a tag name.
bool end_tag_at(std::string_view html, std::size_t at, std::string_view name);

// The next "</name" that ends the element from `from`; npos if none.
std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name);

// The "</script" that ends a script from `from`, past "<!--<script>...</script>-->" (script data's escaped and
// double-escaped states, where the tokenizer does not end it); npos if none.
std::size_t script_end(std::string_view html, std::size_t from);

// Reads a tag from `at`, just after "<" or "</", as the HTML tokenizer's tag states do.
tag read_tag(std::string_view html, std::size_t at);

}  // namespace candar::detail::markup
