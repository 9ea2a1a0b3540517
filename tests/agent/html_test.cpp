#include "candar/agent/html.hpp"

#include <gtest/gtest.h>

namespace candar {
namespace {

std::vector<std::string> targets(page_references const& p) {
  std::vector<std::string> out;
  for (auto const& r : p.resources) out.push_back(r.kind + " " + r.target);
  return out;
}

TEST(find_subresources, finds_what_a_browser_loads_before_the_load_event) {
  auto const page = find_subresources(R"(<!doctype html>
<html><head>
  <base href="/static/">
  <link rel="stylesheet" href="app.css">
  <link rel="Alternate Stylesheet" href="alt.css">
  <link rel="stylesheet" href="off.css" disabled>
  <link rel="icon" href="favicon.ico">
  <link rel="preload" href="font.woff2" as="font">
  <script src=" app.js "></script>
  <script type="module" src="mod.js"></script>
  <script nomodule src="legacy.js"></script>
  <script type="text/template" src="tpl.html"></script>
  <script>inline()</script>
</head><body>
  <img src="chair.png">
  <img src="lazy.png" loading="lazy">
  <img srcset="big.png 2x, small.png 1x">
  <img src="chair.png">
  <img src="data:image/png;base64,AAAA">
  <input type="image" src="go.png">
  <video poster="poster.jpg"></video>
  <template><img src="inert.png"></template>
  <iframe src="frame.html"></iframe>
  <p>unclosed <b>markup
)");
  EXPECT_EQ(page.base, "/static/");
  std::vector<std::string> const want{"stylesheet app.css", "stylesheet alt.css", "preload font.woff2", "script app.js",
                                      "script mod.js",      "image chair.png",    "image small.png",    "image go.png",
                                      "image poster.jpg"};
  EXPECT_EQ(targets(page), want);
}

TEST(find_subresources, srcset_picks_what_a_pixel_ratio_of_1_would) {
  auto const pick = [](char const* srcset) {
    return find_subresources(std::string("<img srcset=\"") + srcset + "\">").resources.at(0).target;
  };
  EXPECT_EQ(pick("a.png 2x, b.png 1x"), "b.png");
  EXPECT_EQ(pick("a.png 3x, b.png 1.5x"), "b.png");
  EXPECT_EQ(pick("plain.png, a.png 2x"), "plain.png");
  EXPECT_EQ(pick("w1.png 480w, w2.png 800w"), "w1.png");
}

TEST(find_subresources, an_empty_or_broken_page_has_none) {
  EXPECT_TRUE(find_subresources("").resources.empty());
  EXPECT_TRUE(find_subresources("<<<>>><img").resources.empty());
  EXPECT_TRUE(find_subresources(std::string("\0\0\xff", 3)).resources.empty());
}

}  // namespace
}  // namespace candar
