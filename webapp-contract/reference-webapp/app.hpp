#pragma once
// The isuchair game as the reference webapp plays it: the contract's endpoints over a SQLite database.
// Written like a contest's starting code: correct, and slow in three documented places that `tuned` fixes
//   1. missing index: presents and user_items have no index on user_id, so every per-user query scans them;
//   2. N+1: the presents list reads each present's item with its own query;
//   3. recomputation: a user's chairs and gacha draws are recounted from the item history on every request.
// Fault switches (tests use them to show the benchmarker catches each realistic bug): see known_faults().
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "database.hpp"
#include "http_server.hpp"
#include "isuchair/contract.hpp"

namespace isuchair::webapp {

struct app_options {
  bool tuned = false;
  std::set<std::string> faults;
  std::chrono::milliseconds slow_delay{1500};  // the slow-gacha fault's delay
  std::int64_t faults_after = 0;  // faults start after this many requests (a bug that shows only under load)
};

// Every fault switch with what it breaks.
[[nodiscard]] std::map<std::string, std::string> const& known_faults();

class app {
 public:
  app(database& db, app_options options);

  // Thread-safe: one request at a time touches the database (the starting code's global lock).
  http_reply handle(http_request const& request);

 private:
  http_reply serve(http_request const& request);
  // The hostile faults' changes to every answer (a Latin-1 or a 60 KB header).
  void add_hostile_headers(http_reply& reply);
  struct session {
    std::int64_t user_id = 0;
    bool reward_available = false;
  };
  using json = nlohmann::json;

  http_reply dispatch(endpoint const& e, route_match const& m, http_request const& r, json const& body);
  http_reply initialize();
  bool has_table(std::string_view name);
  http_reply login(json const& body);
  http_reply register_user(json const& body);
  http_reply home(std::int64_t user_id, session const& s);
  http_reply reward(std::int64_t user_id, session& s);
  http_reply presents(std::int64_t user_id);
  http_reply receive(std::int64_t user_id, json const& body);
  http_reply gacha(std::int64_t user_id);
  http_reply static_file(http_request const& r);

  json user_json(std::int64_t user_id);
  std::int64_t chairs_of(std::int64_t user_id);
  std::int64_t draws_of(std::int64_t user_id);
  std::string new_session(std::int64_t user_id);
  [[nodiscard]] bool fault(std::string_view name) const {
    return served_ > options_.faults_after && options_.faults.contains(std::string(name));
  }

  database& db_;
  app_options const options_;
  contract const& contract_ = contract::isuchair();
  std::mutex mutex_;
  std::string master_version_;
  std::int64_t item_count_ = 0;
  std::map<std::string, session, std::less<>> sessions_;
  std::map<std::int64_t, http_reply> stale_homes_;  // the stale-home fault's per-user cache
  std::int64_t served_ = 0;                         // requests handled since the start, under mutex_
  std::mt19937_64 tokens_{std::random_device{}()};
};

}  // namespace isuchair::webapp
