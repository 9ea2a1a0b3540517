#include "candar/agent/html.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

#include "gumbo_arena.hpp"
#include "media_query.hpp"
#include "text.hpp"
#include "webapp_cpu.hpp"

namespace candar {

namespace {

using detail::ascii_iequal;
using detail::ascii_lower;

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
  std::string const l = ascii_lower(list);
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
  auto const t = ascii_lower(trimmed(type));
  return t.empty() || t == "module" || t == "text/javascript" || t == "application/javascript" ||
         t == "text/ecmascript" || t == "application/ecmascript";
}

// A stylesheet link with a type attribute is fetched only when the type is CSS (the HTML standard's "supported
// styling language"; parameters ignored): type=text/plain is not.
bool css_type(char const* type) {
  if (type == nullptr) return true;
  auto t = ascii_lower(trimmed(type));
  t = trimmed(t.substr(0, t.find(';')));
  return t.empty() || t == "text/css";
}

// <link rel=preload>: fetched only with an `as` Chromium preloads (no `as`, or an unknown or unsupported one,
// is a console warning and no request).
bool preloaded_as(char const* as) {
  if (as == nullptr) return false;
  auto const a = ascii_lower(trimmed(as));
  return a == "fetch" || a == "font" || a == "image" || a == "script" || a == "style" || a == "track";
}

// The candidate a browser with a device pixel ratio of 1 picks from a srcset: "1x" (or no descriptor), else the
// smallest density above 1, else the first candidate (width descriptors need layout, which we do not do).
std::string srcset_choice(std::string_view srcset) {
  std::string first, best;
  double best_density = 0;
  while (!srcset.empty()) {
    auto const comma = srcset.find(',');
    auto const candidate = trimmed(srcset.substr(0, comma));
    srcset = comma == std::string_view::npos ? std::string_view() : srcset.substr(comma + 1);
    if (candidate.empty()) continue;
    auto const space = candidate.find_first_of(" \t");
    std::string const target = candidate.substr(0, space);
    std::string const descriptor = space == std::string::npos ? std::string() : trimmed(candidate.substr(space));
    if (first.empty()) first = target;
    double density = 1;
    if (!descriptor.empty()) {
      if (descriptor.back() != 'x') continue;
      density = std::atof(descriptor.c_str());
    }
    if (density >= 1 && (best.empty() || density < best_density)) {
      best = target;
      best_density = density;
    }
  }
  return best.empty() ? first : best;
}

// An element's name, also for the ones gumbo 0.10 has no tag for (<picture>).
std::string element_name(GumboElement const& e) {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;
  gumbo_tag_from_original_text(&piece);
  return ascii_lower(std::string_view(piece.data, piece.length));
}

// A MIME type's essence (no parameters), lowercased.
std::string mime_essence(char const* type) {
  return ascii_lower(trimmed(std::string_view(type).substr(0, std::string_view(type).find(';'))));
}

// A <source type> a browser can play (HTMLMediaElement.canPlayType not ""); no type: worth trying.
bool playable(char const* type) {
  if (type == nullptr) return true;
  auto const t = mime_essence(type);
  return t.empty() || t == "video/mp4" || t == "video/webm" || t == "video/ogg" || t == "audio/mp4" ||
         t == "audio/mpeg" || t == "audio/mp3" || t == "audio/ogg" || t == "audio/webm" || t == "audio/wav" ||
         t == "audio/wave" || t == "audio/x-wav" || t == "audio/flac" || t == "audio/aac" || t == "application/ogg";
}

// A <picture> <source type> a browser can decode.
bool decodable_image(char const* type) {
  if (type == nullptr) return true;
  auto const t = mime_essence(type);
  return t.empty() || t == "image/png" || t == "image/jpeg" || t == "image/gif" || t == "image/webp" ||
         t == "image/avif" || t == "image/svg+xml" || t == "image/apng" || t == "image/bmp" || t == "image/x-icon" ||
         t == "image/vnd.microsoft.icon";
}

bool media_ok(char const* media) { return media == nullptr || detail::media_matches(media); }

GumboElement const* element_child(GumboNode const* child) {
  return child->type == GUMBO_NODE_ELEMENT ? &child->v.element : nullptr;
}

// The image a <picture> shows: the first <source> whose media matches and whose type decodes, else its <img>.
char const* picture_source_choice(GumboElement const& picture, std::string& chosen) {
  for (unsigned i = 0; i < picture.children.length; ++i) {
    auto const* c = element_child(static_cast<GumboNode const*>(picture.children.data[i]));
    if (c == nullptr || c->tag != GUMBO_TAG_SOURCE) continue;
    char const* srcset = attr(*c, "srcset");
    if (srcset == nullptr || !media_ok(attr(*c, "media")) || !decodable_image(attr(*c, "type"))) continue;
    chosen = srcset_choice(srcset);
    return chosen.c_str();
  }
  return nullptr;
}

// A reference to something other than http(s) (mailto:, about:, blob:, tel:, ...): a browser makes no request.
bool other_scheme(std::string_view t) {
  if (t.empty() || !std::isalpha(static_cast<unsigned char>(t.front()))) return false;
  auto const colon = t.find(':');
  if (colon == std::string_view::npos) return false;
  auto const scheme = t.substr(0, colon);
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      })) {
    return false;
  }
  return !ascii_iequal(scheme, "http") && !ascii_iequal(scheme, "https");
}

struct collector {
  page_references out;
  std::size_t max_resources;
  std::set<std::string> seen;

  bool add(char const* kind, char const* target, bool fallback = false) {
    if (target == nullptr) return false;
    auto t = trimmed(target);
    if (t.empty() || other_scheme(t) || t.front() == '#') return false;
    if (!seen.insert(t).second) return false;
    // Before any <base href>: resolved, as the browser resolved it while parsing, against the document's URL.
    out.resources.push_back({kind, std::move(t), out.base.empty(), fallback});
    return true;
  }

  // <video>/<audio>: its src, or its first playable <source> and the next ones to try when one fails (the
  // resource selection algorithm); nothing with preload=none. A <track default> loads either way.
  void media_element(GumboElement const& e) {
    if (e.tag == GUMBO_TAG_VIDEO) add("image", attr(e, "poster"));
    for (unsigned i = 0; i < e.children.length; ++i) {
      auto const* c = element_child(static_cast<GumboNode const*>(e.children.data[i]));
      if (c != nullptr && c->tag == GUMBO_TAG_TRACK && attr(*c, "default") != nullptr) add("track", attr(*c, "src"));
    }
    char const* preload = attr(e, "preload");
    if (preload != nullptr && ascii_lower(trimmed(preload)) == "none") return;
    if (attr(e, "src") != nullptr) {
      add("media", attr(e, "src"));
      return;
    }
    bool first = true;
    for (unsigned i = 0; i < e.children.length; ++i) {
      auto const* c = element_child(static_cast<GumboNode const*>(e.children.data[i]));
      if (c == nullptr || c->tag != GUMBO_TAG_SOURCE || !playable(attr(*c, "type"))) continue;
      if (add("media", attr(*c, "src"), !first)) first = false;
    }
  }

  // Whether to go into the node's children.
  bool visit(GumboNode const* node) {
    if (node->type != GUMBO_NODE_ELEMENT) return false;
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
        // Alternate stylesheets too: Chromium fetches them (at a low priority), as scripts/compare-chromium.sh showed.
        if (has_token(rel, "stylesheet")) {
          if (attr(e, "disabled") == nullptr && css_type(attr(e, "type"))) add("stylesheet", attr(e, "href"));
        } else if (has_token(rel, "preload")) {
          if (preloaded_as(attr(e, "as")) && media_ok(attr(e, "media"))) add("preload", attr(e, "href"));
        } else if (has_token(rel, "modulepreload")) {
          char const* as = attr(e, "as");  // a module script: no `as`, or as=script
          if (as == nullptr || ascii_lower(trimmed(as)) == "script") add("preload", attr(e, "href"));
        }
        break;
      }
      case GUMBO_TAG_IMG: {
        char const* loading = attr(e, "loading");
        if (loading != nullptr && ascii_lower(trimmed(loading)) == "lazy") break;
        auto const* parent = node->parent;
        std::string chosen;
        if (parent != nullptr && parent->type == GUMBO_NODE_ELEMENT && element_name(parent->v.element) == "picture" &&
            picture_source_choice(parent->v.element, chosen) != nullptr) {
          add("image", chosen.c_str());
        } else if (attr(e, "src") != nullptr) {
          add("image", attr(e, "src"));
        } else if (char const* srcset = attr(e, "srcset")) {
          add("image", srcset_choice(srcset).c_str());
        }
        break;
      }
      case GUMBO_TAG_INPUT:
        if (char const* type = attr(e, "type"); type != nullptr && ascii_lower(trimmed(type)) == "image")
          add("image", attr(e, "src"));
        break;
      case GUMBO_TAG_VIDEO:
      case GUMBO_TAG_AUDIO:
        media_element(e);
        break;
      case GUMBO_TAG_OBJECT:
        add("object", attr(e, "data"));
        break;
      case GUMBO_TAG_EMBED:
        add("object", attr(e, "src"));
        break;
      case GUMBO_TAG_IFRAME: {
        char const* loading = attr(e, "loading");
        if (loading == nullptr || ascii_lower(trimmed(loading)) != "lazy") add("document", attr(e, "src"));
        break;
      }
      case GUMBO_TAG_IMAGE:  // in SVG (in HTML, the parser makes <image> an <img>): href, else xlink:href
        if (e.tag_namespace == GUMBO_NAMESPACE_SVG) add("image", attr(e, "href"));
        break;
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        add("image", attr(e, "background"));
        break;
      default:
        break;
    }
    if (e.tag == GUMBO_TAG_TEMPLATE) return false;  // gumbo keeps template contents as children: inert in a browser
    // With scripting on, as in every browser, <noscript> holds text, not elements: nothing in it is fetched.
    return e.tag != GUMBO_TAG_NOSCRIPT;
  }

  // The tree in document order, with an explicit stack: a page's depth is the webapp's to choose.
  void walk(GumboNode const* root) {
    std::vector<std::pair<GumboNode const*, unsigned>> stack;  // an element, and its next child
    if (visit(root)) stack.emplace_back(root, 0);
    while (!stack.empty() && out.resources.size() < max_resources) {
      auto& [node, next] = stack.back();
      if (next == node->v.element.children.length) {
        stack.pop_back();
        continue;
      }
      auto const* child = static_cast<GumboNode const*>(node->v.element.children.data[next++]);
      if (visit(child)) stack.emplace_back(child, 0);
    }
  }
};

}  // namespace

page_references find_subresources(std::string_view html, std::size_t max_resources) {
  detail::gumbo_arena arena;  // the tree goes with it
  GumboOutput const* parsed = arena.parse(html);
  collector c{.out = {}, .max_resources = max_resources};
  {
    detail::webapp_cpu_scope const webapp_work;
    c.walk(parsed->root);
  }
  c.out.truncated = c.out.resources.size() >= max_resources || arena.bounds().cut;
  if (c.out.resources.size() > max_resources) c.out.resources.resize(max_resources);
  return std::move(c.out);
}

}  // namespace candar
