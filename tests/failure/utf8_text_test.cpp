#include "utf8_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "candar/failure/error.hpp"

namespace candar::detail {
namespace {

using namespace std::string_literals;

TEST(valid_utf8, keeps_valid_text_and_replaces_each_bad_byte) {
  EXPECT_EQ(valid_utf8("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(valid_utf8("caf\xE9"), "caf\xEF\xBF\xBD");                            // Latin-1
  EXPECT_EQ(valid_utf8("\xE6\x97"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // a character cut in two
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // an overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
  EXPECT_EQ(valid_utf8("a\0b"s), "a\0b"s);
}

TEST(utf8_prefix, cuts_on_a_character_boundary_with_an_ellipsis) {
  EXPECT_EQ(utf8_prefix("short", 10), "short");
  // "日本語" is 9 bytes: at most 8 leaves room for one character and the 3-byte ellipsis.
  EXPECT_EQ(utf8_prefix("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 8), "\xE6\x97\xA5\xE2\x80\xA6");
  EXPECT_EQ(utf8_prefix("abcdefgh", 5), "ab\xE2\x80\xA6");
}

TEST(message_text, any_bytes_become_at_most_the_cap_of_valid_utf8) {
  std::string bytes;
  for (int i = 0; i < 100'000; ++i) bytes += static_cast<char>(i % 256);
  auto const text = message_text(bytes, 512);
  EXPECT_LE(text.size(), 512u);
  EXPECT_EQ(valid_utf8(text), text);
}

// A 60 KB header value quoted in a check's message: the error keeps 512 bytes of it, valid, whatever it held.
TEST(error_message, is_valid_utf8_of_at_most_512_bytes) {
  std::string const value = "\x82\xa0" + std::string(60 * 1024, 'x');
  error const e("header", "GET /: X-Note was '" + value + "'");
  EXPECT_LE(e.message().size(), 512u);
  EXPECT_TRUE(e.message().starts_with("GET /: X-Note was '\xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_TRUE(e.message().ends_with("\xE2\x80\xA6"));
  EXPECT_EQ(valid_utf8(e.summary()), e.summary());
}

}  // namespace
}  // namespace candar::detail
