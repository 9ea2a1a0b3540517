#include "html_tags.hpp"

#include <algorithm>
#include <initializer_list>

#include "text.hpp"

namespace candar::detail::markup {

namespace {
bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
}  // namespace

// Elements that never hold others (HTML's void elements, and the obsolete ones parsed as such).
bool is_void(std::string_view n) {
  return one_of(n, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
                    "keygen", "link", "meta", "param", "source", "track", "wbr"});
}

// Elements a sibling of their kind closes, or that exist once: they add no depth by themselves.
bool is_closed_by_siblings(std::string_view n) {
  return one_of(n, {"p",   "li", "dt",    "dd",    "tr",    "td",       "th",      "option", "optgroup", "rb",  "rt",
                    "rtc", "rp", "tbody", "thead", "tfoot", "colgroup", "caption", "html",   "head",     "body"});
}

// Elements whose contents are text up to their own end tag (RAWTEXT and RCDATA; gumbo parses <noscript> as
// with scripting off: markup). <script> has escapes of its own: script_end().
bool is_raw_text(std::string_view n) {
  return one_of(n, {"style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

// HTML's special elements: an end tag of another name does not close anything past one (the tree builder's
// "any other end tag").
bool is_special(std::string_view n) {
  return one_of(
      n, {"address",  "applet",   "area",     "article", "aside",   "base",     "basefont",   "bgsound", "blockquote",
          "body",     "br",       "button",   "caption", "center",  "col",      "colgroup",   "dd",      "details",
          "dir",      "div",      "dl",       "dt",      "embed",   "fieldset", "figcaption", "figure",  "footer",
          "form",     "frame",    "frameset", "h1",      "h2",      "h3",       "h4",         "h5",      "h6",
          "head",     "header",   "hgroup",   "hr",      "html",    "iframe",   "img",        "input",   "keygen",
          "li",       "link",     "listing",  "main",    "marquee", "menu",     "meta",       "nav",     "noembed",
          "noframes", "noscript", "object",   "ol",      "p",       "param",    "plaintext",  "pre",     "script",
          "section",  "select",   "source",   "style",   "summary", "table",    "tbody",      "td",      "template",
          "textarea", "tfoot",    "th",       "thead",   "title",   "tr",       "track",      "ul",      "wbr",
          "xmp",      "svg",      "math"});
}

// The elements an end tag of a special element does not close past ("has an element in scope").
bool is_scope_marker(std::string_view n) {
  return one_of(n, {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "svg", "math"});
}

// Start tags that end SVG or MathML content (the tree builder's breakout list).
bool breaks_out_of_foreign(std::string_view n) {
  return one_of(n, {"b",     "big",   "blockquote", "body",   "br",   "center", "code",  "dd", "div",  "dl",   "dt",
                    "em",    "embed", "h1",         "h2",     "h3",   "h4",     "h5",    "h6", "head", "hr",   "i",
                    "img",   "li",    "listing",    "menu",   "meta", "nobr",   "ol",    "p",  "pre",  "ruby", "s",
                    "small", "span",  "strong",     "strike", "sub",  "sup",    "table", "tt", "u",    "ul",   "var"});
}

// Whether "</name" at `at` is followed by what ends a tag name.
bool end_tag_at(std::string_view html, std::size_t at, std::string_view name) {
  auto const after = at + 2 + name.size();
  if (html.size() < after || html.compare(at, 2, "</") != 0 || !ascii_iequal(html.substr(at + 2, name.size()), name)) {
    return false;
  }
  return after == html.size() || is_space(html[after]) || html[after] == '/' || html[after] == '>';
}

// The next "</name" that ends the element from `from`; npos if none.
std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name) {
  for (auto at = html.find("</", from); at != std::string_view::npos; at = html.find("</", at + 2)) {
    if (end_tag_at(html, at, name)) return at;
  }
  return std::string_view::npos;
}

// The "</script" that ends a script from `from`, past "<!--<script>...</script>-->" (script data's escaped and
// double-escaped states, where the tokenizer does not end it); npos if none.
std::size_t script_end(std::string_view html, std::size_t from) {
  enum { plain, escaped, double_escaped } state = plain;
  for (std::size_t i = html.find_first_of("<-", from); i != std::string_view::npos;
       i = html.find_first_of("<-", i + 1)) {
    if (state != plain && html.compare(i, 3, "-->") == 0) {
      state = plain;
    } else if (state == plain && html.compare(i, 4, "<!--") == 0) {
      state = escaped;
    } else if (state == escaped && html.compare(i, 7, "<script") == 0 &&
               (i + 7 == html.size() || is_space(html[i + 7]) || html[i + 7] == '/' || html[i + 7] == '>')) {
      state = double_escaped;
    } else if (end_tag_at(html, i, "script")) {
      if (state != double_escaped) return i;
      state = escaped;
    }
  }
  return std::string_view::npos;
}

// Reads a tag from `at`, just after "<" or "</", as the HTML tokenizer's tag states do.
tag read_tag(std::string_view html, std::size_t at) {
  tag t;
  std::size_t i = at;
  while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>') ++i;
  t.written = html.substr(at, i - at);
  t.name = ascii_lower(t.written.substr(0, 15));  // short: no allocation
  bool slash = false;
  while (i < html.size()) {
    char const c = html[i];
    if (c == '>') {
      t.self_closing = slash;
      t.end = i + 1;
      return t;
    }
    slash = c == '/';
    if (is_space(c) || c == '/') {
      ++i;
      continue;
    }
    ++t.attributes;  // a name (its first character may be '=')
    ++i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>' && html[i] != '=') ++i;
    while (i < html.size() && is_space(html[i])) ++i;
    if (i >= html.size() || html[i] != '=') continue;
    ++i;
    while (i < html.size() && is_space(html[i])) ++i;
    if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
      auto const close = html.find(html[i], i + 1);
      i = close == std::string_view::npos ? html.size() : close + 1;
    } else {
      while (i < html.size() && !is_space(html[i]) && html[i] != '>') ++i;
    }
  }
  t.end = html.size();
  return t;
}

}  // namespace candar::detail::markup
