#include "media_query.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "text.hpp"

namespace candar::detail {

namespace {

// The screen the agent pretends to be (see the header).
constexpr double screen_width = 800;
constexpr double screen_height = 600;
constexpr double pixel_ratio = 1;
constexpr double px_per_em = 16;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits at `sep` outside parentheses; nullopt when the parentheses do not balance.
std::optional<std::vector<std::string_view>> split_top_level(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth < 0) return std::nullopt;
    if (s[i] == sep && depth == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return std::nullopt;
  out.push_back(s.substr(start));
  return out;
}

// A number with its unit, as a length in px, a resolution in dppx, or a plain number.
enum class kind { length, resolution, number, ratio, keyword };
struct value {
  kind k = kind::keyword;
  double n = 0;
  std::string word;
};

std::optional<value> read_value(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {  // aspect-ratio: 16/9
    char* end = nullptr;
    std::string const a(trim(s.substr(0, slash))), b(trim(s.substr(slash + 1)));
    double const x = std::strtod(a.c_str(), &end);
    if (end != a.c_str() + a.size()) return std::nullopt;
    double const y = std::strtod(b.c_str(), &end);
    if (end != b.c_str() + b.size() || y == 0) return std::nullopt;
    return value{kind::ratio, x / y, {}};
  }
  std::string const text(s);
  char* end = nullptr;
  double const n = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return value{kind::keyword, 0, ascii_lower(s)};
  std::string const unit = ascii_lower(std::string_view(end));
  if (unit.empty()) return value{kind::number, n, {}};
  if (unit == "px") return value{kind::length, n, {}};
  if (unit == "em" || unit == "rem") return value{kind::length, n * px_per_em, {}};
  if (unit == "dppx" || unit == "x") return value{kind::resolution, n, {}};
  if (unit == "dpi") return value{kind::resolution, n / 96, {}};
  if (unit == "dpcm") return value{kind::resolution, n * 2.54 / 96, {}};
  return std::nullopt;
}

// The screen's value of a feature, and the kind its value has; nullopt for a feature the agent does not know.
std::optional<value> screen_value(std::string_view feature) {
  if (feature == "width" || feature == "device-width") return value{kind::length, screen_width, {}};
  if (feature == "height" || feature == "device-height") return value{kind::length, screen_height, {}};
  if (feature == "resolution") return value{kind::resolution, pixel_ratio, {}};
  if (feature == "aspect-ratio" || feature == "device-aspect-ratio")
    return value{kind::ratio, screen_width / screen_height, {}};
  if (feature == "color") return value{kind::number, 8, {}};
  if (feature == "monochrome" || feature == "grid" || feature == "color-index") return value{kind::number, 0, {}};
  if (feature == "orientation") return value{kind::keyword, 0, "landscape"};
  if (feature == "prefers-color-scheme") return value{kind::keyword, 0, "light"};
  if (feature == "prefers-reduced-motion" || feature == "prefers-reduced-transparency")
    return value{kind::keyword, 0, "no-preference"};
  if (feature == "prefers-contrast") return value{kind::keyword, 0, "no-preference"};
  if (feature == "hover" || feature == "any-hover") return value{kind::keyword, 0, "hover"};
  if (feature == "pointer" || feature == "any-pointer") return value{kind::keyword, 0, "fine"};
  if (feature == "scripting") return value{kind::keyword, 0, "enabled"};
  if (feature == "update") return value{kind::keyword, 0, "fast"};
  if (feature == "display-mode") return value{kind::keyword, 0, "browser"};
  return std::nullopt;
}

// `have` compared with `want` by `op` ("=", "<", "<=", ">", ">="); nullopt when they cannot be compared.
std::optional<bool> compare(value const& have, std::string_view op, value const& want) {
  if (have.k == kind::keyword || want.k == kind::keyword) {
    if (op != "=" || have.k != want.k) return std::nullopt;
    return have.word == want.word;
  }
  bool const comparable = have.k == want.k || (have.k == kind::ratio && want.k == kind::number) ||
                          (want.n == 0 && want.k == kind::number);  // 0 needs no unit
  if (!comparable) return std::nullopt;
  if (op == "=") return have.n == want.n;
  if (op == "<") return have.n < want.n;
  if (op == "<=") return have.n <= want.n;
  if (op == ">") return have.n > want.n;
  if (op == ">=") return have.n >= want.n;
  return std::nullopt;
}

std::string_view flipped(std::string_view op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

// What is inside one pair of parentheses: "min-width: 600px", "color", "width >= 600px", "400px < width < 900px".
std::optional<bool> feature(std::string_view inside) {
  inside = trim(inside);
  if (inside.empty() || inside.find_first_of("()") != std::string_view::npos) return std::nullopt;
  if (auto colon = inside.find(':'); colon != std::string_view::npos) {
    std::string name = ascii_lower(trim(inside.substr(0, colon)));
    auto want = read_value(inside.substr(colon + 1));
    if (!want) return std::nullopt;
    std::string_view op = "=";
    if (name.starts_with("min-")) {
      op = ">=";
      name.erase(0, 4);
    } else if (name.starts_with("max-")) {
      op = "<=";
      name.erase(0, 4);
    }
    auto have = screen_value(name);
    if (!have) return std::nullopt;
    return compare(*have, op, *want);
  }
  // Range syntax: operands and operators.
  std::vector<std::string> parts;
  std::vector<std::string> ops;
  std::string current;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    char const c = inside[i];
    if (c == '<' || c == '>' || c == '=') {
      std::string op(1, c);
      if (c != '=' && i + 1 < inside.size() && inside[i + 1] == '=') op += inside[++i];
      parts.emplace_back(trim(current));
      ops.push_back(op);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.emplace_back(trim(current));
  if (parts.size() == 1) {  // a boolean feature: true unless its value is zero or none
    auto have = screen_value(ascii_lower(parts[0]));
    if (!have) return std::nullopt;
    return have->k == kind::keyword ? have->word != "none" : have->n != 0;
  }
  if (parts.size() > 3) return std::nullopt;
  // Find the feature name among the operands; the others are values.
  for (std::size_t f = 0; f < parts.size(); ++f) {
    auto have = screen_value(ascii_lower(parts[f]));
    if (!have) continue;
    bool all = true;
    for (std::size_t j = 0; j < parts.size(); ++j) {
      if (j == f) continue;
      auto v = read_value(parts[j]);
      if (!v) return std::nullopt;
      // value OP feature reads as feature flipped-OP value.
      std::optional<bool> r = j < f ? compare(*have, flipped(ops[j]), *v) : compare(*have, ops[j - 1], *v);
      if (!r) return std::nullopt;
      all = all && *r;
    }
    return all;
  }
  return std::nullopt;
}

// One media query: [not|only] [type] [and (feature)]..., or (feature) [and (feature)]...
std::optional<bool> query(std::string_view q) {
  q = trim(q);
  if (q.empty()) return std::nullopt;
  bool negate = false;
  bool result = true;
  bool first = true;
  bool expect_and = false;
  while (!q.empty()) {
    if (q.front() == '(') {
      if (expect_and) return std::nullopt;
      auto const close = q.find(')');
      if (close == std::string_view::npos) return std::nullopt;
      auto f = feature(q.substr(1, close - 1));
      if (!f) return std::nullopt;
      result = result && *f;
      q = trim(q.substr(close + 1));
      expect_and = true;
      first = false;
      continue;
    }
    auto end = q.find_first_of(" \t\n\r\f(");
    std::string const word = ascii_lower(q.substr(0, end));
    q = end == std::string_view::npos ? std::string_view() : trim(q.substr(end));
    if (expect_and) {
      if (word != "and") return std::nullopt;
      expect_and = false;
      if (q.empty()) return std::nullopt;
      continue;
    }
    if (first && (word == "not" || word == "only")) {
      negate = word == "not";
      first = false;
      continue;
    }
    // A media type.
    if (word == "all" || word == "screen") {
      // matches
    } else if (word == "print" || word == "speech" || word == "tv" || word == "projection" || word == "handheld" ||
               word == "braille" || word == "embossed" || word == "aural" || word == "tty") {
      result = false;
    } else {
      return std::nullopt;
    }
    first = false;
    expect_and = true;
  }
  if (!expect_and) return std::nullopt;  // "not" alone, or a trailing "and"
  return negate ? !result : result;
}

}  // namespace

bool media_matches(std::string_view list) {
  list = trim(list);
  if (list.empty()) return true;
  auto const queries = split_top_level(list, ',');
  if (!queries) return false;
  for (auto q : *queries) {
    auto const r = query(q);
    if (r && *r) return true;  // a malformed query is false, the others still count
  }
  return false;
}

}  // namespace candar::detail
