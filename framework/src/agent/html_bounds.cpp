#include "html_bounds.hpp"

#include <algorithm>
#include <initializer_list>

#include "text.hpp"

namespace candar::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that never hold others (HTML's void elements, and the obsolete ones parsed as such).
bool is_void(std::string_view n) {
  return one_of(n, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
                    "input", "keygen", "link", "meta", "param", "source", "track", "wbr"});
}

// Elements a sibling of their kind closes, or that exist once: they add no depth by themselves.
bool is_closed_by_siblings(std::string_view n) {
  return one_of(n, {"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rtc", "rp",
                    "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body"});
}

// Elements whose contents are text up to their own end tag (with scripting on, as in a browser: noscript too).
bool is_raw_text(std::string_view n) {
  return one_of(n, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"});
}

// Finds the next "</name" (case-insensitive) from `from`; npos if none.
std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name) {
  for (auto at = html.find("</", from); at != std::string_view::npos; at = html.find("</", at + 2)) {
    if (html.size() - at - 2 >= name.size() && ascii_iequal(html.substr(at + 2, name.size()), name)) return at;
  }
  return std::string_view::npos;
}

struct tag {
  std::string name;            // lowercased
  std::size_t end = 0;         // just after its '>' (or the end of the input)
  std::size_t attributes = 0;
  bool self_closing = false;   // ends with "/>"
};

// Reads a tag from `at`, just after "<" or "</", as the HTML tokenizer's tag states do (quotes only count in
// attribute values).
tag read_tag(std::string_view html, std::size_t at) {
  tag t;
  std::size_t i = at;
  while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>') ++i;
  t.name = ascii_lower(html.substr(at, i - at));
  while (i < html.size()) {
    char const c = html[i];
    if (c == '>') {
      t.self_closing = i > at && html[i - 1] == '/';
      t.end = i + 1;
      return t;
    }
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

class bounder {
 public:
  bounder(std::string_view html, html_bounds const& b) : html_(html.substr(0, std::min(html.size(), b.max_bytes))), b_(b) {
    out_.cut = html_.size() < html.size();
  }

  bounded_html run() {
    std::size_t i = 0;
    while ((i = html_.find('<', i)) != std::string_view::npos) {
      if (html_.compare(i, 4, "<!--") == 0) {
        auto const close = html_.find("-->", i + 2);  // "<!-->" ends at once: close lands on it
        i = close == std::string_view::npos ? html_.size() : close + 3;
      } else if (i + 1 < html_.size() && (html_[i + 1] == '!' || html_[i + 1] == '?')) {
        auto const close = html_.find('>', i);
        i = close == std::string_view::npos ? html_.size() : close + 1;
      } else if (i + 2 < html_.size() && html_[i + 1] == '/' && is_alpha(html_[i + 2])) {
        i = end_tag(i);
      } else if (i + 1 < html_.size() && is_alpha(html_[i + 1])) {
        if (!start_tag(i, i)) break;
      } else {
        ++i;
      }
    }
    if (out_.flattened) {
      out_.rewritten.append(html_.substr(copied_));
    } else {
      out_.size = html_.size();
    }
    return std::move(out_);
  }

 private:
  // Returns false when the page is cut before this tag.
  bool start_tag(std::size_t at, std::size_t& next) {
    tag const t = read_tag(html_, at + 1);
    if (++elements_ > b_.max_elements || t.attributes > b_.max_attributes) {
      out_.cut = true;
      html_ = html_.substr(0, at);
      return false;
    }
    next = t.end;
    if (t.name == "plaintext") {
      next = html_.size();  // the rest of the page is its text
      return true;
    }
    if (is_raw_text(t.name)) {
      auto const close = find_end_tag(html_, t.end, t.name);
      next = close == std::string_view::npos ? html_.size() : close + 2;
      return true;
    }
    if (t.name == "svg" || t.name == "math") {
      if (foreign_depth_ == 0) foreign_depth_ = depth_ + 1;
    } else if (t.self_closing && foreign_depth_ != 0) {
      return true;  // "/>" closes an SVG or MathML element
    }
    if (is_void(t.name) || is_closed_by_siblings(t.name)) return true;
    if (depth_++ >= b_.max_depth) {
      // Kept empty, beside its parent: closed at once; its end tag, when it comes, is dropped.
      copy_to(t.end);
      out_.rewritten.append("</").append(t.name).append(">");
    }
    return true;
  }

  std::size_t end_tag(std::size_t at) {
    tag const t = read_tag(html_, at + 2);
    if (is_void(t.name) || is_closed_by_siblings(t.name)) return t.end;
    if (depth_ > b_.max_depth) {
      copy_to(at);
      copied_ = t.end;  // the end tag of an element closed at once
    }
    if (depth_ > 0) --depth_;
    if ((t.name == "svg" || t.name == "math") && depth_ < foreign_depth_) foreign_depth_ = 0;
    return t.end;
  }

  void copy_to(std::size_t at) {
    out_.flattened = true;
    out_.rewritten.append(html_.substr(copied_, at - copied_));
    copied_ = at;
  }

  std::string_view html_;
  html_bounds const& b_;
  bounded_html out_;
  std::size_t copied_ = 0;  // html_ up to here is in out_.rewritten (once flattened)
  std::size_t depth_ = 0;
  std::size_t foreign_depth_ = 0;  // the depth of the outermost open <svg> or <math>; 0 outside them
  std::size_t elements_ = 0;
};

}  // namespace

bounded_html bound_html(std::string_view html, html_bounds const& bounds) { return bounder(html, bounds).run(); }

}  // namespace candar::detail
