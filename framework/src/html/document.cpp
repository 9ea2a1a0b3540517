#include "candar/html/document.hpp"

#include <gumbo.h>

#include <charconv>
#include <cmath>
#include <vector>

#include "agent/gumbo_arena.hpp"
#include "agent/web_url.hpp"
#include "agent/webapp_cpu.hpp"
#include "candar/agent/response.hpp"
#include "selector.hpp"

namespace candar::html {

namespace detail {

struct parsed_page {
  std::string text;  // gumbo's tree points into it
  std::string url;
  std::string base;
  candar::detail::gumbo_arena arena;  // holds the tree (and whatever gumbo forgets to free)
  GumboOutput* output = nullptr;

  parsed_page(std::string_view html, std::string_view u) : text(html), url(u), base(u) { output = arena.parse(text); }
  parsed_page(parsed_page const&) = delete;
  parsed_page& operator=(parsed_page const&) = delete;
};

}  // namespace detail

namespace {

using detail::parsed_page;

GumboNode const* as_node(void const* p) { return static_cast<GumboNode const*>(p); }

GumboVector const& children_of(GumboNode const* n) {
  return n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
}

// Every node under `from` (not `from` itself) in document order, to `visit`, which returns whether to go into
// the node's children; with an explicit stack: a page's depth is the webapp's to choose, the thread's stack is not.
template <class Visit>
void each_node(GumboNode const* from, Visit&& visit) {
  struct level {
    GumboVector const* kids;
    unsigned next;
  };
  std::vector<level> stack{{&children_of(from), 0}};
  while (!stack.empty()) {
    auto& top = stack.back();
    if (top.next == top.kids->length) {
      stack.pop_back();
      continue;
    }
    auto const* n = static_cast<GumboNode const*>(top.kids->data[top.next++]);
    if (visit(n) && n->type == GUMBO_NODE_ELEMENT) stack.push_back({&n->v.element.children, 0});
  }
}

// Every element under `from` (not `from` itself) in document order, to `visit`; stops when it returns true.
// <template> contents are children in gumbo's tree, as they are not in a browser's DOM: skipped.
template <class Visit>
bool walk(GumboNode const* from, Visit&& visit) {
  bool stopped = false;
  each_node(from, [&](GumboNode const* n) {
    if (stopped || !detail::is_element(n)) return false;
    stopped = visit(n);
    return !stopped;  // a template's contents are not in the DOM: is_element is false for it
  });
  return stopped;
}

// As the agent reads a URL (and a browser does): escapes kept as written, the rest spelled as Chromium does.
std::string resolve(std::string_view base, std::string_view ref) {
  auto const b = candar::detail::web_url::parse(base);
  auto const u = candar::detail::web_url::parse(ref, b ? &*b : nullptr);
  return u ? u->href() : std::string();
}

std::string trimmed(std::string_view s) {
  auto const first = s.find_first_not_of(" \t\r\n\f");
  if (first == std::string_view::npos) return {};
  auto const last = s.find_last_not_of(" \t\r\n\f");
  return std::string(s.substr(first, last - first + 1));
}

void append_text(GumboNode const* n, std::string& out) {
  each_node(n, [&](GumboNode const* k) {
    if (k->type == GUMBO_NODE_TEXT || k->type == GUMBO_NODE_WHITESPACE || k->type == GUMBO_NODE_CDATA) {
      out += k->v.text.text;
    }
    return k->type == GUMBO_NODE_ELEMENT;  // not into a <template>: its contents are not in the DOM
  });
}

std::vector<element> select_under(std::shared_ptr<parsed_page const> const& page, GumboNode const* from,
                                  std::string_view text, bool first_only);

}  // namespace

}  // namespace candar::html

namespace candar::html {

// Elements are made only here, where the private constructor is reachable.
struct detail_access {
  static element make(std::shared_ptr<detail::parsed_page const> page, void const* node) {
    return element(std::move(page), node);
  }
};

namespace {

std::vector<element> select_under(std::shared_ptr<parsed_page const> const& page, GumboNode const* from,
                                  std::string_view text, bool first_only) {
  detail::selector const sel(text);
  candar::detail::webapp_cpu_scope const webapp_work;  // the walk's length is the page's
  detail::selector::sibling_memo memo;
  std::vector<element> out;
  walk(from, [&](GumboNode const* n) {
    if (!sel.matches(n, &memo)) return false;
    out.push_back(detail_access::make(page, n));
    return first_only;
  });
  return out;
}

}  // namespace

std::string element::tag() const { return detail::tag_name(as_node(node_)); }

std::optional<std::string_view> element::attr(std::string_view name) const {
  std::string const key(name);
  std::string lowered = key;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  GumboAttribute const* a = gumbo_get_attribute(&as_node(node_)->v.element.attributes, lowered.c_str());
  if (a == nullptr) return std::nullopt;
  return std::string_view(a->value);
}

std::string element::text() const {
  std::string out;
  append_text(as_node(node_), out);
  return out;
}

namespace {

template <class Number>
std::optional<Number> whole_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') {  // from_chars takes no plus sign
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;
  }
  Number value{};
  auto const* const end = s.data() + s.size();
  auto const [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> element::text_as_integer() const { return whole_number<std::int64_t>(trimmed(text())); }

std::optional<double> element::text_as_number() const {
  auto const v = whole_number<double>(trimmed(text()));
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::vector<element> element::select(std::string_view selector) const {
  return select_under(page_, as_node(node_), selector, false);
}

std::optional<element> element::first(std::string_view selector) const {
  auto found = select_under(page_, as_node(node_), selector, true);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<element> element::children() const {
  std::vector<element> out;
  GumboVector const& kids = children_of(as_node(node_));
  for (unsigned i = 0; i < kids.length; ++i) {
    auto const* k = static_cast<GumboNode const*>(kids.data[i]);
    if (detail::is_element(k)) out.push_back(element(page_, k));
  }
  return out;
}

std::optional<element> element::parent() const {
  GumboNode const* p = as_node(node_)->parent;
  if (!detail::is_element(p)) return std::nullopt;
  return element(page_, p);
}

bool element::is(std::string_view selector) const { return detail::selector(selector).matches(as_node(node_)); }

std::string const& element::base_url() const { return page_->base; }

std::string const& element::document_url() const { return page_->url; }

std::string element::url_attr(std::string_view name) const {
  auto const v = attr(name);
  if (!v) return {};
  return resolve(page_->base, trimmed(*v));
}

document::document(std::string_view html, std::string_view url) {
  candar::detail::webapp_cpu_scope const webapp_work;  // the parse, and a walk as long as the page
  auto page = std::make_shared<parsed_page>(html, url);
  // The document's base URL: the first <base href>, resolved against the document's own URL (HTML 2.4.1).
  walk(page->output->document, [&](GumboNode const* n) {
    if (n->v.element.tag != GUMBO_TAG_BASE) return false;
    GumboAttribute const* href = gumbo_get_attribute(&n->v.element.attributes, "href");
    if (href == nullptr) return false;
    if (auto resolved = resolve(page->base, trimmed(href->value)); !resolved.empty()) page->base = resolved;
    return true;
  });
  page_ = std::move(page);
}

document document::of(response const& r) { return document(r.body, r.url); }

std::vector<element> document::select(std::string_view selector) const {
  return select_under(page_, page_->output->document, selector, false);
}

std::optional<element> document::first(std::string_view selector) const {
  auto found = select_under(page_, page_->output->document, selector, true);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

element document::root() const { return detail_access::make(page_, page_->output->root); }

std::string document::title() const {
  auto const t = first("title");
  if (!t) return {};
  // Whitespace collapsed and stripped, as document.title is.
  std::string out;
  for (char const c : t->text()) {
    bool const space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string const& document::base_url() const { return page_->base; }

std::string const& document::url() const { return page_->url; }

bool document::cut() const { return page_->arena.bounds().cut; }

}  // namespace candar::html
