#include "html_bounds.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <vector>

#include "formatting_list.hpp"
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

// Elements whose contents are text up to their own end tag (RAWTEXT and RCDATA; gumbo parses <noscript> as
// with scripting off: markup). <script> has escapes of its own: script_end().
bool is_raw_text(std::string_view n) {
  return one_of(n, {"style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"});
}

// HTML's special elements: an end tag of another name does not close anything past one (the tree builder's
// "any other end tag").
bool is_special(std::string_view n) {
  return one_of(n, {"address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote",
                    "body", "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div",
                    "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset",
                    "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img",
                    "input", "keygen", "li", "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed",
                    "noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "section",
                    "select", "source", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot",
                    "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp", "svg", "math"});
}

// Start tags that end an open <p> (the tree builder's "close a p element"), and what it holds.
bool closes_a_paragraph(std::string_view n) {
  return one_of(n, {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
                    "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol",
                    "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                    "listing", "form", "plaintext", "table", "hr", "xmp"});
}

// The elements an end tag of a special element does not close past ("has an element in scope").
bool is_scope_marker(std::string_view n) {
  return one_of(n, {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "svg", "math"});
}

// Start tags that end SVG or MathML content (the tree builder's breakout list).
bool breaks_out_of_foreign(std::string_view n) {
  return one_of(n, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
                    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
                    "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
                    "sub", "sup", "table", "tt", "u", "ul", "var"});
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
  for (std::size_t i = html.find_first_of("<-", from); i != std::string_view::npos; i = html.find_first_of("<-", i + 1)) {
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

struct tag {
  std::string name;          // lowercased, at most 15 characters (no name it is compared with is longer)
  std::string_view written;  // the name as written, whole
  std::size_t end = 0;       // just after its '>' (or the end of the input)
  std::size_t attributes = 0;
  bool self_closing = false;  // "/>" where an attribute name could start (not "a=b/>", whose value is "b/")
};

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

}  // namespace

namespace {

// Follows the elements a parser keeps open, as far as tags alone tell: `open_` is at most max_depth long; a
// start tag past it is closed at once (its name counted in `excess_`, so that its end tag is dropped).
class bounder {
 public:
  bounder(std::string_view html, html_bounds const& b) : html_(html.substr(0, std::min(html.size(), b.max_bytes))), b_(b) {
    out_.cut = html_.size() < html.size();
  }

  bounded_html run() {
    std::size_t i = 0;
    while ((i = html_.find('<', i)) != std::string_view::npos) {
      if (html_.compare(i, 4, "<!--") == 0) {
        i = comment_end(i);
      } else if (i + 1 < html_.size() && (html_[i + 1] == '!' || html_[i + 1] == '?')) {
        i = bogus_comment_end(i);
      } else if (i + 1 < html_.size() && html_[i + 1] == '/') {
        if (i + 2 < html_.size() && is_alpha(html_[i + 2])) {
          i = end_tag(i);
        } else {
          i = i + 2 < html_.size() && html_[i + 2] == '>' ? i + 3 : bogus_comment_end(i);  // "</>", "</ ..."
        }
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
  struct open_element {
    std::string name;
    bool foreign;  // inside <svg> or <math>
    std::size_t formatting = formatting_list::names;  // its index there, when it is a formatting element
    std::size_t place = 0;                            // and its place on the list
  };

  // A comment ends at "-->" or "--!>" ("<!-->" and "<!--->" at once).
  std::size_t comment_end(std::size_t at) const {
    auto const a = html_.find("-->", at + 2);
    auto const b = html_.find("--!>", at + 2);
    if (a == std::string_view::npos && b == std::string_view::npos) return html_.size();
    return a < b ? a + 3 : b + 4;
  }

  std::size_t bogus_comment_end(std::size_t at) const {
    auto const close = html_.find('>', at + 1);
    return close == std::string_view::npos ? html_.size() : close + 1;
  }

  bool in_foreign() const { return !open_.empty() && open_.back().foreign; }

  // Returns false when the page is cut before this tag.
  bool start_tag(std::size_t at, std::size_t& next) {
    tag const t = read_tag(html_, at + 1);
    attribute_work_ += t.attributes * t.attributes;  // gumbo checks each attribute against the tag's others
    // Each element may come with clones of the formatting elements still active (started, not ended: an
    // enclosing end tag closes them but leaves them active): 400 <b>s closed by one </p>, then 40,000
    // "<p>x</p>" (324 KB), made 16 million elements (7 GB, a minute) before this count.
    // A clone copies its attributes: 100 dormant <b>s of 100 KB each made 10 MB a paragraph (19 GB for a
    // 10 MB page) within the element cap. What they copy counts against the page's own byte cap.
    elements_ += formatting_.count();
    clone_bytes_ += formatting_.dormant_bytes();
    ++tags_;
    if (++elements_ > b_.max_elements || t.attributes > b_.max_attributes || attribute_work_ > max_attribute_work ||
        clone_bytes_ > b_.max_bytes) {
      out_.cut = true;
      html_ = html_.substr(0, at);
      return false;
    }
    next = t.end;
    if (in_foreign() && breaks_out_of_foreign(t.name)) {
      while (in_foreign()) open_.pop_back();
    }
    bool const foreign = in_foreign() || t.name == "svg" || t.name == "math";
    if (!foreign) paragraph_boundary(t.name, true);
    if (foreign) {
      if (t.self_closing) return true;  // "/>" closes an SVG or MathML element
    } else {
      if (t.name == "plaintext") {
        next = html_.size();  // the rest of the page is its text
        return true;
      }
      if (t.name == "script" || is_raw_text(t.name)) {
        auto const close = t.name == "script" ? script_end(html_, t.end) : find_end_tag(html_, t.end, t.name);
        next = close == std::string_view::npos ? html_.size() : close + 2;  // past "</": its end tag is skipped
        return true;
      }
      if (is_void(t.name) || is_closed_by_siblings(t.name)) return true;
    }
    if (open_.size() < b_.max_depth) {
      open_.push_back({t.name, foreign});
      if (auto const f = formatting_list::index_of(t.name); !foreign && f < formatting_list::names) {
        open_.back().formatting = f;
        open_.back().place = formatting_.started(f, t.end - at, tags_);
      }
      return true;
    }
    // Kept empty, beside its parent: closed at once; its end tag, when it comes, is dropped.
    ++excess_[t.name];
    ++excess_total_;
    copy_to(t.end);
    out_.rewritten.append("</").append(t.written).append(">");
    return true;
  }

  std::size_t end_tag(std::size_t at) {
    tag const t = read_tag(html_, at + 2);
    if (excess_total_ > 0) {
      if (auto e = excess_.find(t.name); e != excess_.end()) {
        copy_to(at);
        copied_ = t.end;  // the end tag of an element closed at once: dropped
        if (--e->second == 0) excess_.erase(e);
        --excess_total_;
        return t.end;
      }
    }
    // As the tree builder closes: down to the element of that name, unless something it does not close past
    // comes first; nothing when there is none.
    bool const special = is_special(t.name);
    if (!in_foreign()) {
      paragraph_boundary(t.name, false);
      // Off the list; one that was dormant is only that (the adoption agency's "not in the stack").
      if (auto const f = formatting_list::index_of(t.name); f < formatting_list::names && !formatting_.ended(f)) {
        return t.end;
      }
    }
    for (auto k = open_.size(); k > 0; --k) {
      auto const& e = open_[k - 1];
      if (e.name == t.name) {
        for (auto inner = k; inner < open_.size(); ++inner) {  // closed around: dormant formatting elements
          if (open_[inner].formatting < formatting_list::names) formatting_.closed(open_[inner].formatting, open_[inner].place);
        }
        open_.resize(k - 1);
        excess_.clear();  // what was opened past the cap was inside it
        excess_total_ = 0;
        break;
      }
      if (e.foreign && !special) continue;
      if (special ? is_scope_marker(e.name) : is_special(e.name)) break;
    }
    return t.end;
  }

  // Paragraphs, list items and cells are not on open_ (they add no depth), but their ends close the
  // formatting elements started in them: a tag of theirs, or a block's start tag in a paragraph, makes those
  // dormant (an over-count where it is a nested list's item: they are still open).
  void paragraph_boundary(std::string_view name, bool start) {
    bool const sibling = is_closed_by_siblings(name);
    if (!sibling && !(start && in_paragraph_ && closes_a_paragraph(name))) return;
    formatting_.closed_since(boundary_tag_);
    in_paragraph_ = start && name == "p";
    if (start && sibling) boundary_tag_ = tags_;
  }

  void copy_to(std::size_t at) {
    out_.flattened = true;
    out_.rewritten.append(html_.substr(copied_, at - copied_));
    copied_ = at;
  }

  // About 20 million attribute comparisons in gumbo: 4,000 tags of 70 attributes, or 20 of 1,000.
  static constexpr std::size_t max_attribute_work = 20'000'000;

  std::string_view html_;
  html_bounds const& b_;
  bounded_html out_;
  std::size_t copied_ = 0;  // html_ up to here is in out_.rewritten (once flattened)
  std::vector<open_element> open_;
  std::map<std::string, std::size_t> excess_;  // names closed at once, whose end tags are still to come
  std::size_t excess_total_ = 0;
  std::size_t elements_ = 0;
  formatting_list formatting_;
  std::size_t tags_ = 0;          // start tags so far
  std::size_t boundary_tag_ = 0;  // the last start tag of a paragraph, list item, cell, ...
  bool in_paragraph_ = false;     // a <p> started since, not ended
  std::size_t clone_bytes_ = 0;
  std::size_t attribute_work_ = 0;
};

}  // namespace

bounded_html bound_html(std::string_view html, html_bounds const& bounds) { return bounder(html, bounds).run(); }

}  // namespace candar::detail
