#pragma once
// The game's rules, shared by the webapp (which applies them) and the benchmarker (whose model predicts them).
#include <array>
#include <cstdint>

namespace isuchair::rules {

inline constexpr std::int64_t reward_coins = 100;  // a login reward
inline constexpr std::int64_t reward_chairs = 1;
inline constexpr std::int64_t gacha_cost = 50;                           // coins per draw
inline constexpr std::int64_t starting_coins = 100;                      // a registered user's
inline constexpr std::size_t presents_page = 50;                         // GET presents lists at most this many
inline constexpr std::array<std::int64_t, 3> welcome_items = {1, 2, 3};  // a registered user's presents
inline constexpr char const* welcome_message = "welcome to isuchair";
inline constexpr char const* initial_master_version = "v1";

// The item (1-based id among `item_count`) a user's `draw`-th draw (0-based) gives: deterministic, so the
// benchmarker's model knows it.
[[nodiscard]] std::int64_t gacha_item(std::int64_t user_id, std::int64_t draw, std::int64_t item_count) noexcept;

}  // namespace isuchair::rules
