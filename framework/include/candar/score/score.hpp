#pragma once
// A score made of tags: each success adds to a tag, each tag has an integer weight, each error code may carry a
// deduction. add() may be called from any thread without contention (one shard per thread, merged on read).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "candar/detail/thread_shards.hpp"
#include "candar/failure/error_collection.hpp"

namespace candar {

class score {
 public:
  using table = std::map<std::string, std::int64_t, std::less<>>;

  score() = default;

  // Weights and deductions are set up before adds start (they are read without a lock).
  score& set_weight(std::string_view tag, std::int64_t weight);
  // The weight of a tag that was never given one (0 unless set).
  score& set_default_weight(std::int64_t weight);
  score& set_deduction(std::string_view code, std::int64_t per_error);

  void add(std::string_view tag, std::int64_t n = 1);

  // Count per tag; tags with a weight that were never scored appear with 0.
  [[nodiscard]] table breakdown() const;
  [[nodiscard]] std::int64_t count(std::string_view tag) const;
  [[nodiscard]] std::int64_t weight(std::string_view tag) const;
  // Σ count × weight.
  [[nodiscard]] std::int64_t sum() const;
  // Deduction per code: errors carrying the code × its deduction.
  [[nodiscard]] table deductions(error_collection const& errors) const;
  [[nodiscard]] std::int64_t deduction(error_collection const& errors) const;
  // sum() − deduction(errors).
  [[nodiscard]] std::int64_t total(error_collection const& errors) const;

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using count_map = std::unordered_map<std::string, std::int64_t, string_hash, std::equal_to<>>;

  table weights_;
  table deductions_;
  std::int64_t default_weight_ = 0;
  detail::thread_shards<count_map> counts_;
};

}  // namespace candar
