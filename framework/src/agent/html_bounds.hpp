#pragma once
// What a page may cost the HTML parser. gumbo 0.10 has no limits of its own: each start tag checks the whole
// stack of open elements, so 100,000 nested <div>s (500 KB) take 25 s of CPU, and a tag's attributes are
// checked against each other (quadratic in their count). Before gumbo sees a page, one linear pass over its
// tags bounds it:
//   - depth: elements nested deeper than `max_depth` (Chromium's parser caps its tree at 512) are kept empty,
//     beside their parent, their contents after them, as Chromium places them (the tag is closed at once and
//     its end tag dropped);
//   - elements: the page is cut before the start tag past `max_elements`, counting with each start tag the
//     formatting elements (b, i, a, ...) started and not ended, which the tree builder clones again into what
//     follows once an enclosing end tag has closed them (an over-count where they are still open);
//   - attributes: the page is cut before a tag with more than `max_attributes`;
//   - bytes: only the first `max_bytes` are parsed.
// The depth is counted from the tags as written: start tags of elements that are neither void nor closed by
// their siblings (p, li, td, tr, option, ...) open a level, their end tags close one; raw text (script,
// style, textarea, title, ...) and comments are skipped. An honest page nests far below the cap by this count
// as by a browser's.
#include <cstddef>
#include <string>
#include <string_view>

namespace candar::detail {

struct html_bounds {
  std::size_t max_depth = 512;
  std::size_t max_elements = 200'000;
  std::size_t max_attributes = 1'000;  // in one tag
  std::size_t max_bytes = 16 * 1024 * 1024;
};

struct bounded_html {
  std::string rewritten{};  // the page with its deepest elements closed at once, when any were
  std::size_t size = 0;     // of the input's prefix to parse, when nothing was rewritten
  bool flattened = false;   // some elements were deeper than max_depth: parse `rewritten`
  bool cut = false;         // the page was cut (elements, attributes or bytes)

  // What to parse: `rewritten`, or a prefix of the page given to bound_html.
  [[nodiscard]] std::string_view text(std::string_view page) const noexcept {
    return flattened ? std::string_view(rewritten) : page.substr(0, size);
  }
};

[[nodiscard]] bounded_html bound_html(std::string_view html, html_bounds const& bounds = {});

}  // namespace candar::detail
