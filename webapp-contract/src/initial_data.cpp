#include "isuchair/initial_data.hpp"

#include <array>
#include <random>

#include <fmt/format.h>

#include "isuchair/rules.hpp"

namespace isuchair {

namespace {

// std::mt19937_64's output is fixed by the standard; the distributions are not, so draws use plain modulo.
class draw {
 public:
  explicit draw(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }

 private:
  std::mt19937_64 engine_;
};

constexpr std::array<char const*, 12> chair_kinds = {"Stool",      "Armchair",     "Rocking chair", "Bench",
                                                     "Throne",     "Office chair", "Beanbag",       "Folding chair",
                                                     "Deck chair", "Sofa",         "Bar stool",     "Gaming chair"};
constexpr std::array<char const*, 6> messages = {"login bonus",  "thanks for playing", "event reward",
                                                 "apology gift", "weekly bonus",       "anniversary"};

}  // namespace

initial_data generate_initial_data(std::uint64_t seed, data_size size) {
  draw d(seed);
  initial_data data;
  data.master_versions = {"v0", rules::initial_master_version};
  for (std::size_t i = 1; i <= size.items; ++i) {
    data.items.push_back({.id = static_cast<std::int64_t>(i),
                          .name = fmt::format("{} #{}", chair_kinds[(i - 1) % chair_kinds.size()], i),
                          .chairs = static_cast<std::int64_t>(d.between(1, 10))});
  }
  for (std::size_t i = 1; i <= size.users; ++i) {
    user u;
    u.id = static_cast<std::int64_t>(i);
    u.name = fmt::format("user{:05}", i);
    u.password = fmt::format("pw-{:x}", d.below(1ULL << 40));
    u.banned = d.below(1000) < size.banned_per_thousand;
    u.coins = static_cast<std::int64_t>(d.between(0, 300));
    auto const owned = d.between(0, 5);
    for (std::uint64_t k = 0; k < owned; ++k) {
      auto const item_id = static_cast<std::int64_t>(d.between(1, size.items));
      u.owned_items.push_back(item_id);
      u.chairs += data.items[static_cast<std::size_t>(item_id - 1)].chairs;
    }
    auto const presents = d.between(size.presents_per_user_min, size.presents_per_user_max);
    for (std::uint64_t k = 0; k < presents; ++k) {
      data.presents.push_back({.id = static_cast<std::int64_t>(data.presents.size() + 1),
                               .user_id = u.id,
                               .item_id = static_cast<std::int64_t>(d.between(1, size.items)),
                               .message = messages[d.below(messages.size())]});
    }
    data.users.push_back(std::move(u));
  }
  return data;
}

}  // namespace isuchair
