#pragma once
// What a browser fetches for a page between loading its HTML and its load event, found with a real HTML5
// parser (gumbo), not regexes. Checked against headless Chromium's own requests by scripts/compare-chromium.sh.
// The rules:
//   <script src>                    fetched, async and defer too; not type= other than JavaScript or module, not
//   nomodule <link rel=stylesheet href>      fetched (any media, alternate ones too, as Chromium does), not when
//   disabled
//                                   nor with a type= other than text/css
//   <link rel=preload href as=...>  fetched when `as` is one Chromium preloads (fetch, font, image, script, style,
//                                   track) and its `media`, if any, matches an 800x600 screen; otherwise not
//   <link rel=modulepreload href>   fetched (no `as`, or as=script)
//   <img src>                       fetched unless loading=lazy (Chromium may still fetch one after the load event);
//                                   with srcset and no src, the candidate for a pixel ratio of 1
//   <picture>                       its first <source> whose media matches and type decodes, else its <img>
//   <input type=image src>, <video poster>, <svg><image href | xlink:href>, background= on body/table/td/th: fetched
//   <video>/<audio>                 src, or the first <source> of a playable type (the next ones fetched only
//                                   when it fails: no 2xx audio/video answer); nothing with preload=none
//   <track default>                 fetched (other tracks are not)
//   <object data>, <embed src>      fetched
//   <iframe src>                    the document is fetched (not what it loads in turn), unless loading=lazy
//   <base href>                     changes what relative references after it resolve against; the ones before it
//                                   resolve against the document's URL, as the parser resolved them
//   <noscript>                      nothing inside it (scripting is on in a browser)
//   references to other schemes       none (mailto:, about:, data:, javascript:, ...)
// Left out, as a simpler browser would: CSS url() references (fonts, backgrounds), the resources of <iframe>
// documents, favicons (Chrome fetches them after load), srcset width descriptors, resources added by scripts.
#include <string>
#include <string_view>
#include <vector>

namespace candar {

struct subresource {
  std::string kind{};        // script, stylesheet, preload, image, media, track, object, document
  std::string target{};      // as written in the page, trimmed
  bool before_base = false;  // it came before <base href>: resolved against the document's URL
  bool fallback = false;     // fetched only when the one before it failed (a media element's next <source>)
};

struct page_references {
  std::string base{};                    // <base href>, "" if none
  std::vector<subresource> resources{};  // in document order, duplicates removed, at most max_resources
  bool truncated = false;                // the page had more, or was longer than the parser takes (html_bounds)
};

// A page's HTML is bounded before it is parsed (framework/src/agent/html_bounds.hpp: depth 512 as Chromium's
// parser, 200,000 elements, 16 MiB); its references to `max_resources`.
[[nodiscard]] page_references find_subresources(std::string_view html, std::size_t max_resources = 1000);

}  // namespace candar
