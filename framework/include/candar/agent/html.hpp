#pragma once
// What a browser fetches for a page between loading its HTML and its load event, found with a real HTML5
// parser (gumbo), not regexes. Checked against headless Chromium's own requests by scripts/compare-chromium.sh.
// The rules:
//   <script src>                    fetched, async and defer too; not type= other than JavaScript or module, not nomodule
//   <link rel=stylesheet href>      fetched (any media, alternate ones too, as Chromium does), not when disabled
//                                   nor with a type= other than text/css
//   <link rel=preload href as=...>  fetched when `as` is one Chromium preloads (fetch, font, image, script, style,
//                                   track); no `as` or another one: not fetched
//   <link rel=modulepreload href>   fetched (no `as`, or as=script)
//   <img src>                       fetched unless loading=lazy (Chromium may still fetch one after the load event);
//                                   with srcset and no src, the candidate for a pixel ratio of 1
//   <input type=image src>, <video poster>  fetched
//   <base href>                     changes what relative references after it resolve against; the ones before it
//                                   resolve against the document's URL, as the parser resolved them
//   <noscript>                      nothing inside it (scripting is on in a browser)
// Left out, as a simpler browser would: CSS url() references (fonts, backgrounds), <iframe> documents and their
// own resources, favicons (Chrome fetches them after load), srcset width descriptors, <picture> sources,
// <object>/<embed>, resources added by scripts.
#include <string>
#include <string_view>
#include <vector>

namespace candar {

struct subresource {
  std::string kind{};    // script, stylesheet, preload, image
  std::string target{};  // as written in the page, trimmed
  bool before_base = false;  // it came before <base href>: resolved against the document's URL
};

struct page_references {
  std::string base{};  // <base href>, "" if none
  std::vector<subresource> resources{};  // in document order, duplicates removed
};

[[nodiscard]] page_references find_subresources(std::string_view html);

}  // namespace candar
