#include "candar/agent/html.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace candar {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

std::string trimmed(std::string_view s) {
  auto const first = s.find_first_not_of(" \t\r\n\f");
  if (first == std::string_view::npos) return {};
  auto const last = s.find_last_not_of(" \t\r\n\f");
  return std::string(s.substr(first, last - first + 1));
}

char const* attr(GumboElement const& e, char const* name) {
  GumboAttribute const* a = gumbo_get_attribute(&e.attributes, name);
  return a != nullptr ? a->value : nullptr;
}

bool has_token(char const* list, std::string_view token) {
  if (list == nullptr) return false;
  std::string const l = lower(list);
  std::size_t pos = 0;
  while (pos < l.size()) {
    auto const start = l.find_first_not_of(" \t\r\n\f", pos);
    if (start == std::string::npos) break;
    auto end = l.find_first_of(" \t\r\n\f", start);
    if (end == std::string::npos) end = l.size();
    if (std::string_view(l).substr(start, end - start) == token) return true;
    pos = end;
  }
  return false;
}

bool javascript_type(char const* type) {
  if (type == nullptr) return true;
  auto const t = lower(trimmed(type));
  return t.empty() || t == "module" || t == "text/javascript" || t == "application/javascript" ||
         t == "text/ecmascript" || t == "application/ecmascript";
}

struct collector {
  page_references out;
  std::set<std::string> seen;

  void add(char const* kind, char const* target) {
    if (target == nullptr) return;
    auto t = trimmed(target);
    if (t.empty() || t.starts_with("data:") || t.starts_with("javascript:") || t.front() == '#') return;
    if (!seen.insert(t).second) return;
    out.resources.push_back({kind, std::move(t)});
  }

  void visit(GumboNode const* node) {
    if (node->type != GUMBO_NODE_ELEMENT) return;
    GumboElement const& e = node->v.element;
    switch (e.tag) {
      case GUMBO_TAG_BASE:
        if (out.base.empty() && attr(e, "href") != nullptr) out.base = trimmed(attr(e, "href"));
        break;
      case GUMBO_TAG_SCRIPT:
        if (javascript_type(attr(e, "type")) && attr(e, "nomodule") == nullptr) add("script", attr(e, "src"));
        break;
      case GUMBO_TAG_LINK: {
        char const* rel = attr(e, "rel");
        if (has_token(rel, "stylesheet") && attr(e, "disabled") == nullptr && !has_token(rel, "alternate")) {
          add("stylesheet", attr(e, "href"));
        } else if (has_token(rel, "preload") || has_token(rel, "modulepreload")) {
          add("preload", attr(e, "href"));
        }
        break;
      }
      case GUMBO_TAG_IMG: {
        char const* loading = attr(e, "loading");
        if (loading != nullptr && lower(trimmed(loading)) == "lazy") break;
        if (attr(e, "src") != nullptr) {
          add("image", attr(e, "src"));
        } else if (char const* srcset = attr(e, "srcset")) {
          std::string_view s = srcset;
          auto const first = trimmed(s.substr(0, s.find(',')));
          add("image", first.substr(0, first.find_first_of(" \t")).c_str());
        }
        break;
      }
      case GUMBO_TAG_INPUT:
        if (char const* type = attr(e, "type"); type != nullptr && lower(trimmed(type)) == "image") add("image", attr(e, "src"));
        break;
      case GUMBO_TAG_VIDEO:
        add("image", attr(e, "poster"));
        break;
      default:
        break;
    }
    if (e.tag == GUMBO_TAG_TEMPLATE) return;  // gumbo keeps template contents as children: inert in a browser
    for (unsigned i = 0; i < e.children.length; ++i) visit(static_cast<GumboNode const*>(e.children.data[i]));
  }
};

}  // namespace

page_references find_subresources(std::string_view html) {
  GumboOutput* parsed = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  collector c;
  c.visit(parsed->root);
  gumbo_destroy_output(&kGumboDefaultOptions, parsed);
  return std::move(c.out);
}

}  // namespace candar
