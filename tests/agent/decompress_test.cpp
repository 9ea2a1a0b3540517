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

// A gzip body is decoded in one call (libdeflate) when its trailer gives a size that can be true; otherwise zlib's
// stream decodes it, as it did every body before. Either way the answer is the same: a trailer's size that lies
// is bad data (zlib checks it, as libdeflate does), and a second member after the first is ignored, as
// Chromium's gzip stream ignores the bytes after its first member's trailer.
TEST(decode_content, a_gzip_body_gets_the_same_answer_whichever_decoder_takes_it) {
  auto const gz = test::deflate_as(coding::gzip, sample());
  auto const with_size = [&](std::uint32_t size) {
    auto body = gz;
    for (std::size_t i = 0; i < 4; ++i) body[body.size() - 4 + i] = static_cast<char>(size >> (8 * i));
    return body;
  };
  auto const true_size = static_cast<std::uint32_t>(sample().size());
  auto whole = decode_content("gzip", with_size(true_size), 64 << 20);
  ASSERT_TRUE(whole.has_value()) << whole.error().summary();
  EXPECT_EQ(*whole, sample());
  for (std::uint32_t const lie : {0U, 1U, true_size - 1, true_size + 1, 8U << 20, 0xffffffffU}) {
    auto decoded = decode_content("gzip", with_size(lie), 64 << 20);
    ASSERT_FALSE(decoded.has_value()) << lie;
    EXPECT_EQ(decoded.error().inner_code(), codes::decompress) << lie << ": " << decoded.error().summary();
    EXPECT_NE(decoded.error().message().find("incorrect length check"), std::string::npos) << decoded.error().summary();
  }
  auto two_members = decode_content("gzip", gz + test::deflate_as(coding::gzip, "second"), 64 << 20);
  ASSERT_TRUE(two_members.has_value()) << two_members.error().summary();
  EXPECT_EQ(*two_members, sample());
  auto header_checked = gz;  // FHCRC set, and a header checksum that is wrong: zlib checks it, libdeflate does not
  header_checked[3] = static_cast<char>(header_checked[3] | 0x02);
  header_checked.insert(10, 2, '\0');
  auto bad_header = decode_content("gzip", header_checked, 64 << 20);
  ASSERT_FALSE(bad_header.has_value());
  EXPECT_NE(bad_header.error().message().find("header crc mismatch"), std::string::npos)
      << bad_header.error().summary();
  auto at_the_cap = decode_content("gzip", gz, sample().size());
  EXPECT_TRUE(at_the_cap.has_value());
  auto past_the_cap = decode_content("gzip", gz, sample().size() - 1);
  ASSERT_FALSE(past_the_cap.has_value());
  EXPECT_EQ(past_the_cap.error().inner_code(), codes::too_large);
}

}  // namespace
}  // namespace candar
