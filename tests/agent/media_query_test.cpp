#include "media_query.hpp"

// The agent is an 800x600 screen at a pixel ratio of 1 (headless Chromium's window). Cases from Media
// Queries Level 4; the ones a page can show are in scripts/chromium-pages/media.html.
#include <gtest/gtest.h>

namespace candar::detail {
namespace {

TEST(media_query, media_types_and_lists) {
  EXPECT_TRUE(media_matches(""));
  EXPECT_TRUE(media_matches("all"));
  EXPECT_TRUE(media_matches("SCREEN"));
  EXPECT_FALSE(media_matches("print"));
  EXPECT_TRUE(media_matches("print, screen"));
  EXPECT_FALSE(media_matches("not screen"));
  EXPECT_TRUE(media_matches("not print"));
  EXPECT_TRUE(media_matches("only screen"));
  EXPECT_FALSE(media_matches("nonsense"));
  EXPECT_TRUE(media_matches("nonsense, all"));  // a bad query is false, the rest of the list still counts
}

TEST(media_query, features_against_an_800_by_600_screen) {
  EXPECT_TRUE(media_matches("(min-width: 800px)"));
  EXPECT_FALSE(media_matches("(min-width: 801px)"));
  EXPECT_TRUE(media_matches("(max-width: 50em)"));  // 800px
  EXPECT_FALSE(media_matches("(max-width: 49em)"));
  EXPECT_TRUE(media_matches("screen and (min-width: 600px) and (max-height: 600px)"));
  EXPECT_FALSE(media_matches("screen and (min-width: 600px) and (max-height: 599px)"));
  EXPECT_TRUE(media_matches("(orientation: landscape)"));
  EXPECT_FALSE(media_matches("(orientation: portrait)"));
  EXPECT_TRUE(media_matches("(min-resolution: 1dppx)"));
  EXPECT_FALSE(media_matches("(min-resolution: 2x)"));
  EXPECT_TRUE(media_matches("(max-resolution: 96dpi)"));
  EXPECT_TRUE(media_matches("(min-aspect-ratio: 4/3)"));
  EXPECT_FALSE(media_matches("(min-aspect-ratio: 16/9)"));
  EXPECT_TRUE(media_matches("(color)"));
  EXPECT_FALSE(media_matches("(monochrome)"));
  EXPECT_TRUE(media_matches("(prefers-color-scheme: light)"));
  EXPECT_FALSE(media_matches("(prefers-color-scheme: dark)"));
  EXPECT_TRUE(media_matches("(hover: hover) and (pointer: fine)"));
  EXPECT_TRUE(media_matches("not (min-width: 2000px)"));
}

TEST(media_query, range_syntax) {
  EXPECT_TRUE(media_matches("(width >= 600px)"));
  EXPECT_FALSE(media_matches("(width > 800px)"));
  EXPECT_TRUE(media_matches("(600px <= width)"));
  EXPECT_TRUE(media_matches("(400px < width <= 800px)"));
  EXPECT_FALSE(media_matches("(400px < width < 800px)"));
  EXPECT_TRUE(media_matches("(height = 600px)"));
}

TEST(media_query, what_cannot_be_read_is_false) {
  EXPECT_FALSE(media_matches("((("));
  EXPECT_FALSE(media_matches("(min-width: 600)"));  // a length needs its unit
  EXPECT_TRUE(media_matches("(min-width: 0)"));     // except zero
  EXPECT_FALSE(media_matches("(min-wibble: 1px)"));
  EXPECT_FALSE(media_matches("screen and"));
  EXPECT_FALSE(media_matches("screen (min-width: 1px)"));
  EXPECT_FALSE(media_matches("not"));
  EXPECT_FALSE(media_matches("(width >= 600px"));
}

}  // namespace
}  // namespace candar::detail
