#pragma once
// Whether a `media` attribute (a media query list) matches the screen the agent pretends to be: a browser
// window of 800x600 CSS pixels at a pixel ratio of 1, in colour (headless Chromium's default window, so that
// scripts/compare-chromium.sh compares like with like). A browser decides with it which <link rel=preload>
// and which <picture> <source> to fetch.
//
// Understood: media types (all, screen, print, ...), `not` / `only`, `and`, comma lists, and the features
// width, height, device-width, device-height, resolution, aspect-ratio, orientation, color,
// prefers-color-scheme (light), hover, pointer, with min-/max- prefixes and px, em, rem, dppx, x, dpi units;
// the range syntax (width >= 600px) too. A query it cannot read is false, as the standard says for a
// malformed one (`(((`) and for an unknown feature.
#include <string_view>

namespace candar::detail {

[[nodiscard]] bool media_matches(std::string_view media_query_list);

}  // namespace candar::detail
