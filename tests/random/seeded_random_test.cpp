#include "candar/random/seeded_random.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <zlib.h>

#include <set>

namespace candar {
namespace {

std::uint32_t read32(std::string const& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

TEST(seeded_random, the_same_seed_gives_the_same_values_and_another_seed_others) {
  seeded_random a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    auto const x = a.integer(-5, 5);
    EXPECT_EQ(x, b.integer(-5, 5));
    EXPECT_GE(x, -5);
    EXPECT_LE(x, 5);
  }
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.text(5), b.text(5));
  EXPECT_NE(seeded_random(7).bytes(32), c.bytes(32));
  // Streams: reproducible, independent of each other and of how much the parent drew.
  seeded_random parent(7);
  auto const s1 = parent.fork(1).alphanumeric(16);
  (void)parent.next();
  EXPECT_NE(s1, seeded_random(7).fork(2).alphanumeric(16));
  EXPECT_EQ(s1, seeded_random(7).fork(1).alphanumeric(16));
  // A pinned value: the generator must not change under a seeded run's feet.
  EXPECT_EQ(seeded_random(1).next(), 0x910a2dec89025cc1ULL);
}

TEST(seeded_random, draws_cover_their_range_evenly_enough) {
  seeded_random r(42);
  std::vector<int> counts(6);
  for (int i = 0; i < 6000; ++i) ++counts[static_cast<std::size_t>(r.integer(0, 5))];
  for (int n : counts) {
    EXPECT_GT(n, 800);
    EXPECT_LT(n, 1200);
  }
  EXPECT_THROW((void)r.integer(3, 2), std::invalid_argument);
  std::set<char> seen;
  for (char ch : r.alphanumeric(2000)) seen.insert(ch);
  EXPECT_EQ(seen.size(), 62U);
  auto const n = r.name();
  EXPECT_GE(n.size(), 8U);
  EXPECT_LE(n.size(), 12U);
}

TEST(seeded_random, shuffle_is_a_permutation_the_seed_repeats) {
  std::vector<int> base(50);
  for (int i = 0; i < 50; ++i) base[static_cast<std::size_t>(i)] = i;
  auto a = base, b = base, c = base;
  seeded_random(7).shuffle(a);
  seeded_random(7).shuffle(b);
  seeded_random(8).shuffle(c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, base);
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, base);
  std::vector<int> empty;
  seeded_random(7).shuffle(empty);
  EXPECT_TRUE(empty.empty());
}

TEST(seeded_random, png_is_a_valid_image_of_the_size_asked) {
  seeded_random r(3);
  auto const img = r.png(5, 4);
  ASSERT_GT(img.size(), 8U + 25U + 12U + 12U);
  EXPECT_EQ(img.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(img.substr(12, 4), "IHDR");
  EXPECT_EQ(read32(img, 16), 5U);
  EXPECT_EQ(read32(img, 20), 4U);
  // Every chunk's CRC holds, and the pixels inflate to 4 scanlines of 1 + 5 * 3 bytes.
  std::size_t at = 8;
  std::string pixels;
  std::vector<std::string> types;
  while (at < img.size()) {
    auto const length = read32(img, at);
    auto const typed = img.substr(at + 4, 4 + length);
    types.push_back(typed.substr(0, 4));
    EXPECT_EQ(read32(img, at + 8 + length),
              crc32(0L, reinterpret_cast<Bytef const*>(typed.data()), static_cast<uInt>(typed.size())));
    if (types.back() == "IDAT") {
      std::string out(1000, '\0');
      uLongf size = out.size();
      ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                           reinterpret_cast<Bytef const*>(typed.data() + 4), length),
                Z_OK);
      pixels = out.substr(0, size);
    }
    at += 12 + length;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_EQ(pixels.size(), 4U * 16U);
  EXPECT_NE(r.png(5, 4), img);  // a new image each call
  EXPECT_THROW((void)r.png(0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace candar
