#include "decompress.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "candar/failure/codes.hpp"
#include "support/compress.hpp"

namespace candar {
namespace {

using test::coding;

std::string sample() {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "chair " + std::to_string(i) + " ";
  return s;
}

TEST(decode_content, undoes_gzip_deflate_and_br) {
  auto const text = sample();
  for (auto [name, body] :
       {std::pair{"gzip", test::deflate_as(coding::gzip, text)},
        std::pair{"deflate", test::deflate_as(coding::zlib, text)}, std::pair{"br", test::brotli(text)}}) {
    auto decoded = decode_content(name, body, 1 << 20);
    ASSERT_TRUE(decoded.has_value()) << name << ": " << decoded.error().summary();
    EXPECT_EQ(*decoded, text) << name;
  }
}

TEST(decode_content, raw_deflate_is_accepted_as_browsers_do) {
  auto decoded = decode_content("deflate", test::deflate_as(coding::raw_deflate, "raw"), 100);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "raw");
}

TEST(decode_content, a_list_is_undone_in_reverse_order) {
  auto const body = test::brotli(test::deflate_as(coding::gzip, "twice"));  // gzip first, then br
  auto decoded = decode_content(" GZIP , br ", body, 100);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().summary();
  EXPECT_EQ(*decoded, "twice");
}

TEST(decode_content, identity_passes_through) {
  auto decoded = decode_content("identity", "plain", 100);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "plain");
}

TEST(decode_content, a_compression_bomb_stops_at_the_cap) {
  std::string const zeros(50 * 1024 * 1024, '\0');
  auto const bomb = test::deflate_as(coding::gzip, zeros);
  EXPECT_LT(bomb.size(), 1024U * 1024U);
  auto decoded = decode_content("gzip", bomb, 1024 * 1024);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().inner_code(), codes::too_large);
  auto br = decode_content("br", test::brotli(zeros), 1024 * 1024);
  ASSERT_FALSE(br.has_value());
  EXPECT_EQ(br.error().inner_code(), codes::too_large);
}

// Decoding is the webapp's time: a body still decoding at the request's deadline is a timeout, the answer too
// slow, in gzip and br alike. A body small enough to decode at once is not held to the clock.
TEST(decode_content, a_body_still_decoding_at_the_deadline_is_a_timeout) {
  std::string const zeros(8 * 1024 * 1024, '\0');
  auto const passed = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  for (auto [name, body] :
       {std::pair{"gzip", test::deflate_as(coding::gzip, zeros)}, std::pair{"br", test::brotli(zeros)}}) {
    auto late = decode_content(name, body, 64 << 20, passed);
    ASSERT_FALSE(late.has_value()) << name;
    EXPECT_EQ(late.error().inner_code(), codes::timeout) << name;
    EXPECT_NE(late.error().message().find("deadline"), std::string::npos) << late.error().summary();
    auto in_time = decode_content(name, body, 64 << 20, std::chrono::steady_clock::now() + std::chrono::hours(1));
    ASSERT_TRUE(in_time.has_value()) << name << ": " << in_time.error().summary();
    EXPECT_EQ(in_time->size(), zeros.size());
  }
  auto small = decode_content("gzip", test::deflate_as(coding::gzip, sample()), 1 << 20, passed);
  ASSERT_TRUE(small.has_value()) << small.error().summary();
  EXPECT_EQ(*small, sample());
}

TEST(decode_content, bad_or_cut_data_and_unknown_codings_are_decompress_errors) {
  auto const gz = test::deflate_as(coding::gzip, sample());
  for (auto [name, body] :
       {std::pair{"gzip", std::string("not gzip at all")}, std::pair{"gzip", gz.substr(0, gz.size() / 2)},
        std::pair{"br", std::string("\xff\xff\xff\xff")}, std::pair{"deflate", std::string("zz")},
        std::pair{"compress", gz}}) {
    auto decoded = decode_content(name, body, 1 << 20);
    ASSERT_FALSE(decoded.has_value()) << name;
    EXPECT_EQ(decoded.error().inner_code(), codes::decompress) << name << ": " << decoded.error().summary();
  }
}

}  // namespace
}  // namespace candar
