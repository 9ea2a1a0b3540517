#pragma once
// The isuchair benchmark as one scenario: Prepare (initialize, the model, one validation pass), Load (the user
// flows under a load adjustor, the master refresh), Validate (a sample of users against the model).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "candar/benchmark/benchmark.hpp"
#include "candar/load/adjustor.hpp"
#include "candar/load/logs.hpp"

namespace isuchair {

struct flow_env;
class model;
class master_version;

struct contest_settings {
  using duration = std::chrono::steady_clock::duration;
  std::string target;  // base URL, "http://127.0.0.1:8080"
  duration prepare_timeout = std::chrono::seconds(20);
  duration load_duration = std::chrono::seconds(60);
  duration validate_timeout = std::chrono::seconds(20);
  duration refresh_after = std::chrono::seconds(20);  // from the start of the load
  duration adjust_every = std::chrono::seconds(10);
  duration step_timeout = std::chrono::seconds(10);  // a user gives up on a step after this
  std::uint64_t seed = 1;
  std::int64_t initial_level = 2;  // existing-user flows at once at the start
  std::int64_t successes_to_raise = 30;
  std::size_t validate_sample = 20;
  bool prepare_only = false;
};

class contest {
 public:
  using level_change = candar::load_adjustor::level_change;

  contest(contest_settings settings, candar::logs& log);
  ~contest();
  contest(contest const&) = delete;
  contest& operator=(contest const&) = delete;

  // Adds the scenario, the score table and the error categories to `b`.
  void add_to(candar::benchmark& b);

  // The check after a restart: the model after a run (users the load changed, the master version), and the
  // same taken back before a Validate-only run (throws candar::bad_usage or nlohmann's exceptions for a broken
  // state).
  [[nodiscard]] nlohmann::json save_state() const;
  void load_state(nlohmann::json const& state);

  // What /initialize said it is (after Prepare).
  [[nodiscard]] std::string implementation() const;
  // The existing-user flows' parallelism now (any thread).
  [[nodiscard]] std::int64_t level() const noexcept { return level_.load(std::memory_order_relaxed); }
  // The load level over time (after the run).
  [[nodiscard]] std::vector<level_change> timeline() const;
  [[nodiscard]] contest_settings const& settings() const noexcept { return settings_; }

 private:
  boost::asio::awaitable<void> prepare(candar::step& s);
  boost::asio::awaitable<void> load(candar::step& s);
  boost::asio::awaitable<void> validate(candar::step& s);
  boost::asio::awaitable<void> validate_after_restart(candar::step& s);
  void make_env(std::string master_version);

  contest_settings const settings_;
  candar::logs& log_;
  candar::result* result_ = nullptr;  // the benchmark's, for the agents' metrics
  std::unique_ptr<model> model_;
  std::unique_ptr<master_version> version_;
  std::unique_ptr<flow_env> env_;
  std::vector<std::int64_t> restored_;  // after load_state: the users Validate compares
  std::atomic<std::int64_t> level_{0};
  mutable std::mutex mutex_;  // guards implementation_ and timeline_
  std::string implementation_;
  std::vector<level_change> timeline_;
};

}  // namespace isuchair
