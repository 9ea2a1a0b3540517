#include "candar/random/seeded_random.hpp"

#include <zlib.h>

#include <stdexcept>

namespace candar {

namespace {

__extension__ using uint128 = unsigned __int128;  // a GNU extension both g++ and clang have: say so to -pedantic

// SplitMix64 (Steele, Lea, Flood): a full-period 64-bit generator whose output is well mixed; every stream of
// it is reproducible from its state alone.
std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

// A PNG chunk: length, type, data, and the CRC-32 of type and data.
void chunk(std::string& out, std::string_view type, std::string const& data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  std::string typed(type);
  typed += data;
  out += typed;
  auto const crc = crc32(0L, reinterpret_cast<Bytef const*>(typed.data()), static_cast<uInt>(typed.size()));
  put32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

seeded_random::seeded_random(std::uint64_t seed) : state_(seed) {}

seeded_random seeded_random::fork(std::uint64_t stream) const {
  std::uint64_t s = state_ ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
  return seeded_random(splitmix(s));
}

std::uint64_t seeded_random::next() { return splitmix(state_); }

std::int64_t seeded_random::integer(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) throw std::invalid_argument("seeded_random::integer: lo > hi");
  auto const span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;  // 0: the whole range
  if (span == 0) return static_cast<std::int64_t>(next());
  // Lemire's multiply-and-reject: unbiased, and the same on every platform.
  for (;;) {
    auto const x = next();
    auto const m = static_cast<uint128>(x) * span;
    auto const low = static_cast<std::uint64_t>(m);
    if (low >= (0 - span) % span) {
      return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + static_cast<std::uint64_t>(m >> 64));
    }
  }
}

double seeded_random::real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool seeded_random::chance(double p) { return real() < p; }

std::string seeded_random::name() {
  static constexpr std::string_view consonants = "bdfghjkmnprstvwz";
  static constexpr std::string_view vowels = "aeiou";
  auto const letters = integer(6, 10);
  std::string out;
  for (std::int64_t i = 0; i < letters; ++i) {
    auto const& set = i % 2 == 0 ? consonants : vowels;
    out += set[static_cast<std::size_t>(integer(0, static_cast<std::int64_t>(set.size()) - 1))];
  }
  out += static_cast<char>('0' + integer(0, 9));
  out += static_cast<char>('0' + integer(0, 9));
  return out;
}

std::string seeded_random::text(std::size_t words) {
  std::string out;
  for (std::size_t w = 0; w < words; ++w) {
    if (w > 0) out += ' ';
    auto const length = integer(2, 9);
    for (std::int64_t i = 0; i < length; ++i) out += static_cast<char>('a' + integer(0, 25));
  }
  if (words > 0) out += '.';
  return out;
}

std::string seeded_random::alphanumeric(std::size_t length) {
  static constexpr std::string_view chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += chars[static_cast<std::size_t>(integer(0, 61))];
  return out;
}

std::string seeded_random::bytes(std::size_t length) {
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    auto v = next();
    for (int i = 0; i < 8 && out.size() < length; ++i, v >>= 8) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

std::string seeded_random::png(std::uint32_t width, std::uint32_t height) {
  if (width == 0 || height == 0 || width > 4096 || height > 4096) {
    throw std::invalid_argument("seeded_random::png: width and height from 1 to 4096");
  }
  // Scanlines: filter byte 0 (none), then RGB pixels.
  std::string raw;
  for (std::uint32_t y = 0; y < height; ++y) {
    raw += '\0';
    raw += bytes(static_cast<std::size_t>(width) * 3);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<Bytef const*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_DEFAULT_COMPRESSION) != Z_OK) {
    throw std::runtime_error("seeded_random::png: zlib failed");
  }
  packed.resize(packed_size);
  std::string header;
  put32(header, width);
  put32(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, adaptive filtering, no interlace
  std::string out("\x89PNG\r\n\x1a\n", 8);
  chunk(out, "IHDR", header);
  chunk(out, "IDAT", packed);
  chunk(out, "IEND", {});
  return out;
}

}  // namespace candar
