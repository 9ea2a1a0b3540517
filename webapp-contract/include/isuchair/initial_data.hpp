#pragma once
// The initial data, generated from a seed: the same seed gives the same data on every machine. The webapp
// loads it on POST /initialize; the benchmarker builds its model from the same generator.
#include <cstdint>
#include <string>
#include <vector>

namespace isuchair {

struct item {
  std::int64_t id = 0;
  std::string name;
  std::int64_t chairs = 0;  // chairs a user gains with it
};

struct user {
  std::int64_t id = 0;
  std::string name;
  std::string password;
  bool banned = false;
  std::int64_t coins = 0;
  std::int64_t chairs = 0;                // Σ chairs of owned_items
  std::int64_t draws = 0;                 // gacha draws so far
  std::vector<std::int64_t> owned_items;  // item ids received before the data was made (history)
};

struct present {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t item_id = 0;
  std::string message;
};

struct initial_data {
  std::vector<std::string> master_versions;  // published so far, oldest first: the last one is current
  std::vector<item> items;
  std::vector<user> users;        // ids 1..n in order
  std::vector<present> presents;  // unreceived, ids 1..n in order
};

inline constexpr std::uint64_t default_seed = 20261129;

struct data_size {
  std::size_t users = 1000;
  std::size_t items = 24;
  std::size_t presents_per_user_min = 20;
  std::size_t presents_per_user_max = 60;
  std::size_t banned_per_thousand = 50;
};

[[nodiscard]] initial_data generate_initial_data(std::uint64_t seed = default_seed, data_size size = {});

}  // namespace isuchair
