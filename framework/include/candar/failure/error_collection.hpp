#pragma once
// A thread-safe collection of errors: add from any thread without contention, count by code, read the messages.
// Every code in an error's chain is credited once, so "load > login > timeout" counts under all three.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "candar/detail/thread_shards.hpp"
#include "candar/failure/error.hpp"

namespace candar {

class error_collection {
 public:
  using clock = std::chrono::steady_clock;
  using hook = std::function<void(error const&)>;
  // Sorts an error into one class (e.g. a category name) so classes are counted as errors are added.
  using classifier = std::function<std::string(error const&)>;

  // Errors beyond keep_at_most are counted but not kept, so a webapp failing thousands of times a second
  // cannot exhaust memory; dropped() says how many.
  explicit error_collection(std::size_t keep_at_most = 100'000);

  // An error keeps the exchanges that led to it (--har: trace_ids::exchanges) when it is among the first this
  // many of one of its codes on its thread; the others are kept without them.
  static constexpr std::int64_t flows_kept_per_code = 5;

  // Hooks and the classifier must be set before errors are added; hooks run on the adding thread.
  void on_add(hook h);
  void set_classifier(classifier c);

  void add(error e);
  // The class the classifier gives `e` (empty without a classifier), as add() counts it.
  [[nodiscard]] std::string class_of(error const& e) const;

  [[nodiscard]] std::int64_t count() const;
  [[nodiscard]] std::int64_t count(std::string_view code) const;
  [[nodiscard]] std::map<std::string, std::int64_t, std::less<>> counts() const;
  [[nodiscard]] std::map<std::string, std::int64_t, std::less<>> counts_by_class() const;
  [[nodiscard]] std::int64_t dropped() const;

  // Kept errors in the order they were added.
  [[nodiscard]] std::vector<error> all() const;
  // The first `at_most` kept errors carrying `code`, in the order they were added.
  [[nodiscard]] std::vector<error> first(std::string_view code, std::size_t at_most = SIZE_MAX) const;
  // Their summaries.
  [[nodiscard]] std::vector<std::string> messages(std::string_view code, std::size_t at_most = SIZE_MAX) const;

 private:
  struct entry {
    clock::time_point at{};
    error value;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using count_map = std::unordered_map<std::string, std::int64_t, string_hash, std::equal_to<>>;
  struct shard {
    std::int64_t total = 0;
    std::int64_t dropped = 0;
    count_map by_code{};
    count_map by_class{};
    std::vector<entry> kept{};
  };

  std::vector<entry> sorted_entries() const;
  bool take_keep_slot();

  std::size_t const keep_at_most_;
  std::atomic<std::size_t> kept_{0};
  std::vector<hook> hooks_;
  classifier classifier_;
  detail::thread_shards<shard> shards_;
};

}  // namespace candar
