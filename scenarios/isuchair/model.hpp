#pragma once
// The benchmarker's model of the webapp's state: what each user should have. A user is in at most one flow at
// a time (the pool hands each out once), so a flow reads and changes its user without a lock; the pool's mutex
// orders one flow's changes before the next flow's reads.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isuchair/initial_data.hpp"

namespace isuchair {

struct model_present {
  std::int64_t id = 0;  // 0 until the webapp told it (a registered user's welcome presents)
  std::int64_t item_id = 0;
  std::string message;
};

// A user as the generator made them (id, credentials, coins, chairs, draws), and what the model adds.
struct model_user : user {
  std::vector<model_present> unreceived;  // by id, ascending
  std::int64_t last_write = 0;            // model::wrote()'s count when the webapp last acknowledged a change of theirs

  // {"id", "name", "chairs", "coins"}: what the contract's "user" type holds.
  [[nodiscard]] nlohmann::json to_json() const;
};

class model {
 public:
  explicit model(initial_data data);

  [[nodiscard]] std::vector<item> const& items() const noexcept { return items_; }
  [[nodiscard]] item const& item_by_id(std::int64_t id) const;
  // The first presents page as GET .../presents should list it.
  [[nodiscard]] nlohmann::json presents_page(model_user const& u) const;

  // Hands out a free, not banned user (at random), or nullptr when none is free. give_back() makes it free
  // again; retire() takes it out for good (its state is no longer known: a timeout on a write, a mismatch).
  model_user* take(std::mt19937_64& rng);
  // A free user for whom `wanted` holds (the first found from a random start), or nullptr.
  model_user* take_if(std::mt19937_64& rng, std::function<bool(model_user const&)> const& wanted);
  void give_back(model_user* u);
  void retire(model_user* u);
  // A registered user joins the pool.
  void add(std::unique_ptr<model_user> u);
  // A banned user (read only: any number of flows may try them at once).
  [[nodiscard]] model_user const* banned_user(std::mt19937_64& rng) const;
  // Up to n free users, for the Validate phase (after the load, when none is in a flow).
  [[nodiscard]] std::vector<model_user*> sample(std::size_t n, std::mt19937_64& rng);

  [[nodiscard]] std::size_t retired() const;

  // For the check after a restart (saved_model.hpp): the users in the pool, and one user by id (nullptr when
  // none). Only when no flow runs (before or after the load).
  [[nodiscard]] std::vector<model_user const*> in_pool() const;
  [[nodiscard]] model_user* find(std::int64_t id);
  // Marks `u` as changed now (after the webapp acknowledged it): the newest changes are checked first after a
  // restart, as a webapp that loses only its last seconds of writes loses those.
  void wrote(model_user& u) noexcept { u.last_write = writes_.fetch_add(1, std::memory_order_relaxed) + 1; }

 private:
  std::vector<item> items_;
  std::vector<std::unique_ptr<model_user>> users_;  // every user ever, never moved (flows hold pointers)
  std::vector<model_user const*> banned_;
  std::map<std::int64_t, model_user*> by_id_;  // every user, for find()
  mutable std::mutex mutex_;
  std::vector<model_user*> free_;
  std::size_t retired_ = 0;
  std::atomic<std::int64_t> writes_{0};
};

}  // namespace isuchair
