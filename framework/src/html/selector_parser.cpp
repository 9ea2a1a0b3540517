// The reader of selector.hpp's CSS subset: a selector list compiled into compounds and combinators. The text
// is the contest's own (not the webapp's); every error names the whole selector and the position.
#include <cctype>

#include <fmt/format.h>

#include "candar/html/document.hpp"
#include "selector.hpp"

namespace candar::html::detail {

namespace {

bool is_name_char(char c) {
  auto const u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '-' || c == '_' || u >= 0x80;
}

// A recursive-descent reader of the supported grammar. Every error names the whole selector and the position.
class reader {
 public:
  explicit reader(std::string_view text) : text_(text) {}

  std::vector<selector::complex> list() {
    std::vector<selector::complex> out;
    for (;;) {
      skip_space();
      out.push_back(complex());
      skip_space();
      if (at_end()) break;
      if (peek() != ',') fail("expected ',' or the end");
      ++pos_;
    }
    return out;
  }

 private:
  selector::complex complex() {
    selector::complex c;
    c.combinators.push_back(' ');
    c.compounds.push_back(compound());
    for (;;) {
      bool const spaced = skip_space();
      if (at_end() || peek() == ',' || peek() == ')') break;
      char combinator = ' ';
      if (peek() == '>' || peek() == '+' || peek() == '~') {
        combinator = peek();
        ++pos_;
        skip_space();
      } else if (!spaced) {
        fail("unexpected character");
      }
      c.combinators.push_back(combinator);
      c.compounds.push_back(compound());
    }
    return c;
  }

  selector::compound compound() {
    selector::compound c;
    bool any = false;
    if (!at_end() && peek() == '*') {
      ++pos_;
      any = true;
    } else if (!at_end() && is_name_char(peek())) {
      c.tag = css_lower(name());
      any = true;
    }
    while (!at_end()) {
      char const ch = peek();
      if (ch == '#') {
        ++pos_;
        c.ids.push_back(name());
      } else if (ch == '.') {
        ++pos_;
        c.classes.push_back(name());
      } else if (ch == '[') {
        ++pos_;
        c.attributes.push_back(attribute());
      } else if (ch == ':') {
        ++pos_;
        pseudo(c);
      } else {
        break;
      }
      any = true;
    }
    if (!any) fail("expected a selector");
    return c;
  }

  selector::attribute_test attribute() {
    selector::attribute_test t;
    skip_space();
    t.name = css_lower(name());
    skip_space();
    if (at_end()) fail("unclosed '['");
    if (peek() == ']') {
      ++pos_;
      return t;
    }
    if (peek() == '=') {
      t.op = '=';
      ++pos_;
    } else if (std::string_view("~|^$*").find(peek()) != std::string_view::npos && pos_ + 1 < text_.size() &&
               text_[pos_ + 1] == '=') {
      t.op = peek();
      pos_ += 2;
    } else {
      fail("expected an attribute operator (=, ~=, |=, ^=, $=, *=) or ']'");
    }
    skip_space();
    if (at_end()) fail("expected a value");
    if (peek() == '"' || peek() == '\'') {
      char const quote = peek();
      ++pos_;
      while (!at_end() && peek() != quote) {
        if (peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
        t.value += text_[pos_++];
      }
      if (at_end()) fail("unclosed quoted value");
      ++pos_;
    } else {
      t.value = name();
    }
    skip_space();
    if (at_end() || peek() != ']') fail("expected ']'");
    ++pos_;
    return t;
  }

  void pseudo(selector::compound& c) {
    auto const what = css_lower(name());
    if (what == "first-child") {
      c.first_child = true;
    } else if (what == "last-child") {
      c.last_child = true;
    } else if (what == "not") {
      if (at_end() || peek() != '(') fail("expected '(' after :not");
      ++pos_;
      skip_space();
      c.negated.push_back(compound());
      skip_space();
      if (at_end() || peek() != ')') fail("expected ')' (:not takes one compound selector)");
      ++pos_;
    } else {
      fail(fmt::format("unsupported pseudo-class ':{}'", what));
    }
  }

  std::string name() {
    std::string out;
    while (!at_end()) {
      if (peek() == '\\' && pos_ + 1 < text_.size()) {
        out += text_[pos_ + 1];
        pos_ += 2;
      } else if (is_name_char(peek())) {
        out += text_[pos_++];
      } else {
        break;
      }
    }
    if (out.empty()) fail("expected a name");
    return out;
  }

  bool skip_space() {
    auto const from = pos_;
    while (!at_end() && is_css_space(peek())) ++pos_;
    return pos_ != from;
  }
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }
  [[noreturn]] void fail(std::string_view what) const {
    throw selector_error(fmt::format("bad CSS selector '{}' at {}: {}", text_, pos_, what));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<selector::complex> selector::parse(std::string_view text) { return reader(text).list(); }

}  // namespace candar::html::detail
