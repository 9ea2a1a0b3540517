#include "selector.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "candar/html/document.hpp"

namespace candar::html::detail {

namespace {

char const* attribute_of(GumboNode const* n, std::string const& name) {
  GumboAttribute const* a = gumbo_get_attribute(&n->v.element.attributes, name.c_str());
  return a != nullptr ? a->value : nullptr;
}

bool has_word(std::string_view list, std::string_view word) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && is_css_space(list[pos])) ++pos;
    auto end = pos;
    while (end < list.size() && !is_css_space(list[end])) ++end;
    if (end > pos && list.substr(pos, end - pos) == word) return true;
    pos = end;
  }
  return false;
}

// Attributes whose values HTML matches case-insensitively in selectors (HTML, "Selectors": the list of
// attributes of HTML 4 with enumerated values), so that input[type=submit] finds type=SUBMIT.
bool value_case_insensitive(std::string_view name) {
  static constexpr std::string_view names[] = {
      "accept",     "accept-charset", "align",     "alink",    "axis",     "bgcolor", "charset",
      "checked",    "clear",          "codetype",  "color",    "compact",  "declare", "defer",
      "dir",        "direction",      "disabled",  "enctype",  "face",     "frame",   "hreflang",
      "http-equiv", "lang",           "language",  "link",     "media",    "method",  "multiple",
      "nohref",     "noresize",       "noshade",   "nowrap",   "readonly", "rel",     "rev",
      "rules",      "scope",          "scrolling", "selected", "shape",    "target",  "text",
      "type",       "valign",         "valuetype", "vlink"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// An attribute's value against a test's, by the test's operator.
bool value_matches(char op, std::string_view v, std::string_view want) {
  switch (op) {
    case 0:
      return true;
    case '=':
      return v == want;
    case '~':
      return !want.empty() && has_word(v, want);
    case '|':
      return v == want || (v.size() > want.size() && v.starts_with(want) && v[want.size()] == '-');
    case '^':
      return !want.empty() && v.starts_with(want);
    case '$':
      return !want.empty() && v.ends_with(want);
    case '*':
      return !want.empty() && v.find(want) != std::string_view::npos;
    default:
      return false;
  }
}

bool attribute_matches(GumboNode const* n, selector::attribute_test const& t) {
  char const* raw = attribute_of(n, t.name);
  if (raw == nullptr) return false;
  if (t.op != 0 && value_case_insensitive(t.name)) return value_matches(t.op, css_lower(raw), css_lower(t.value));
  return value_matches(t.op, raw, t.value);
}

GumboNode const* element_parent(GumboNode const* n) {
  GumboNode const* p = n->parent;
  return is_element(p) ? p : nullptr;
}

// The element siblings before `n`, nearest first, through `visit` (stops when it returns true).
template <class Visit>
bool any_previous_element(GumboNode const* n, Visit visit, bool nearest_only) {
  GumboNode const* p = n->parent;
  if (p == nullptr) return false;
  GumboVector const& kids = p->type == GUMBO_NODE_DOCUMENT ? p->v.document.children : p->v.element.children;
  for (auto i = n->index_within_parent; i > 0; --i) {
    auto const* s = static_cast<GumboNode const*>(kids.data[i - 1]);
    if (!is_element(s)) continue;
    if (visit(s)) return true;
    if (nearest_only) return false;
  }
  return false;
}

bool is_first_or_last(GumboNode const* n, bool first) {
  GumboNode const* p = n->parent;
  if (!is_element(p)) return false;
  GumboVector const& kids = p->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    auto const* s = static_cast<GumboNode const*>(kids.data[first ? i : kids.length - 1 - i]);
    if (is_element(s)) return s == n;
  }
  return false;
}

// Whether the element's name is `want` (lowercase), with no allocation for the names gumbo knows: a selector
// is tested against every element and, with combinators, against their ancestors.
bool tag_is(GumboNode const* n, std::string_view want) {
  auto const t = n->v.element.tag;
  if (t != GUMBO_TAG_UNKNOWN) return want == gumbo_normalized_tagname(t);
  return tag_name(n) == want;
}

bool compound_matches(GumboNode const* n, selector::compound const& c) {
  if (!is_element(n)) return false;
  if (!c.tag.empty() && !tag_is(n, c.tag)) return false;
  for (auto const& id : c.ids) {
    char const* v = attribute_of(n, "id");
    if (v == nullptr || id != v) return false;
  }
  if (!c.classes.empty()) {
    char const* v = attribute_of(n, "class");
    if (v == nullptr) return false;
    for (auto const& cls : c.classes) {
      if (!has_word(v, cls)) return false;
    }
  }
  for (auto const& a : c.attributes) {
    if (!attribute_matches(n, a)) return false;
  }
  if (c.first_child && !is_first_or_last(n, true)) return false;
  if (c.last_child && !is_first_or_last(n, false)) return false;
  for (auto const& neg : c.negated) {
    if (compound_matches(n, neg)) return false;
  }
  return true;
}

enum class match : std::uint8_t {
  yes,
  no,              // not with compounds[i] at this node
  not_from_above,  // not at this node, nor at any of its ancestors: searching further up is in vain
};

match complex_matches(selector::complex const& c, std::size_t i, GumboNode const* n, selector::sibling_memo* memo);

selector::memo_key key_of(selector::complex const& c, GumboNode const* n, std::size_t i) { return {&c, n, i}; }

// Whether an element sibling before `n` matches compounds[0..i-1]. With a memo, the scan stops at the first
// sibling whose answer is known, and every sibling it passed learns the answer: each sibling is scanned once.
bool any_before_matches(selector::complex const& c, std::size_t i, GumboNode const* n, selector::sibling_memo* memo) {
  GumboNode const* p = n->parent;
  if (p == nullptr) return false;
  GumboVector const& kids = p->type == GUMBO_NODE_DOCUMENT ? p->v.document.children : p->v.element.children;
  if (memo != nullptr) {
    if (auto const known = memo->find(key_of(c, n, i)); known != memo->end()) return known->second;
  }
  std::vector<GumboNode const*> passed{n};
  bool found = false;
  for (auto k = n->index_within_parent; k > 0; --k) {
    auto const* s = static_cast<GumboNode const*>(kids.data[k - 1]);
    if (!is_element(s)) continue;
    if (complex_matches(c, i - 1, s, memo) == match::yes) {
      found = true;
      break;
    }
    if (memo == nullptr) continue;
    if (auto const known = memo->find(key_of(c, s, i)); known != memo->end()) {
      found = known->second;
      break;
    }
    passed.push_back(s);
  }
  if (memo != nullptr) {
    for (auto const* q : passed) memo->emplace(key_of(c, q, i), found);
  }
  return found;
}

// Whether compounds[0..i] match with compounds[i] at `n`. A failed descendant search says not_from_above, so
// that the searches around it stop (as browsers' matchers do): on a page 512 levels deep, `a b c` then costs
// one walk up per element, not one per pair of ancestors.
match complex_matches(selector::complex const& c, std::size_t i, GumboNode const* n, selector::sibling_memo* memo) {
  if (!compound_matches(n, c.compounds[i])) return match::no;
  if (i == 0) return match::yes;
  switch (c.combinators[i]) {
    case '>': {
      auto const* p = element_parent(n);
      if (p == nullptr) return match::no;
      return complex_matches(c, i - 1, p, memo);  // not_from_above there is not_from_above here
    }
    case ' ':
      for (auto const* a = element_parent(n); a != nullptr; a = element_parent(a)) {
        auto const r = complex_matches(c, i - 1, a, memo);
        if (r != match::no) return r;
      }
      return match::not_from_above;  // no ancestor of n matched, so none of an ancestor's will
    case '+': {
      bool found = false;
      any_previous_element(
          n, [&](GumboNode const* s) { return found = complex_matches(c, i - 1, s, memo) == match::yes; }, true);
      return found ? match::yes : match::no;
    }
    case '~':
      return any_before_matches(c, i, n, memo) ? match::yes : match::no;
    default:
      return match::no;
  }
}

}  // namespace

std::string tag_name(GumboNode const* n) {
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n->v.element.tag);
  GumboStringPiece piece = n->v.element.original_tag;
  gumbo_tag_from_original_text(&piece);
  return css_lower(std::string_view(piece.data, piece.length));
}

selector::selector(std::string_view text) : alternatives_(parse(text)) {}

bool selector::matches(GumboNode const* element, sibling_memo* memo) const {
  return std::any_of(alternatives_.begin(), alternatives_.end(), [&](complex const& c) {
    return complex_matches(c, c.compounds.size() - 1, element, memo) == match::yes;
  });
}

}  // namespace candar::html::detail
