#pragma once
// Seeded random data for scenarios: numbers, names, text, bytes and small valid PNG images, the same for the
// same seed on every run and machine (its own generator and bounded draws, not <random>'s distributions,
// whose results differ between standard libraries). Not thread-safe: give each loop or user its own with
// fork(), which stays reproducible.
//
//   seeded_random rnd(seed);                          // from --seed
//   auto user = rnd.fork(user_id);                  // an independent stream per user
//   auto name = user.name();                        // "kovahiru42"
//   auto img  = user.png(32, 32);                   // a valid 32x32 PNG, different each call
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candar {

class seeded_random {
 public:
  explicit seeded_random(std::uint64_t seed);

  // An independent generator for `stream` (a user id, a loop index): same seed and stream, same values.
  [[nodiscard]] seeded_random fork(std::uint64_t stream) const;

  // Uniform in [lo, hi] (both included); lo <= hi.
  std::int64_t integer(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1).
  double real();
  // True with probability p.
  bool chance(double p);
  // One of `items` (not empty).
  template <class T>
  T const& pick(std::vector<T> const& items) {
    return items[static_cast<std::size_t>(integer(0, static_cast<std::int64_t>(items.size()) - 1))];
  }

  // `items` in a random order (Fisher-Yates): the same order for the same seed, e.g. a reproducible sample.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(integer(0, static_cast<std::int64_t>(i) - 1))]);
    }
  }

  // A pronounceable lowercase name of 6 to 10 letters, and two digits.
  std::string name();
  // `words` words of lowercase letters, spaces between, a period at the end.
  std::string text(std::size_t words);
  // Letters and digits.
  std::string alphanumeric(std::size_t length);
  // Any bytes.
  std::string bytes(std::size_t length);
  // A valid PNG (8-bit RGB, not interlaced) of random pixels.
  std::string png(std::uint32_t width, std::uint32_t height);

  // The next raw 64 bits.
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

}  // namespace candar
