#pragma once
// A latency histogram with log-linear buckets (about 1.6% relative precision, microseconds up to hours):
// constant-time record, mergeable, percentiles by walking the buckets. Not thread-safe: keep one per thread
// and merge on read (see endpoint_metrics).
#include <array>
#include <chrono>
#include <cstdint>

namespace candar {

class histogram {
 public:
  void record(std::chrono::nanoseconds value) noexcept;
  void merge(histogram const& other) noexcept;
  // What was recorded after `earlier`, a copy of this histogram taken before (a second of a run from two
  // cumulative snapshots). Its min and max are known to the bucket's precision only.
  [[nodiscard]] histogram since(histogram const& earlier) const noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] std::chrono::microseconds min() const noexcept;
  [[nodiscard]] std::chrono::microseconds max() const noexcept { return std::chrono::microseconds(max_us_); }
  [[nodiscard]] std::chrono::microseconds mean() const noexcept;
  [[nodiscard]] std::chrono::microseconds sum() const noexcept { return std::chrono::microseconds(sum_us_); }
  // How many recorded values are at most `bound`, counting only the buckets wholly under it: a value within the
  // bucket's precision below the bound may be counted above it (for Prometheus' fixed bucket bounds).
  [[nodiscard]] std::uint64_t count_at_most(std::chrono::microseconds bound) const noexcept;
  // The smallest recorded value v such that at least `p` (0..100) percent of values are <= v, up to the
  // bucket's precision; zero when empty.
  [[nodiscard]] std::chrono::microseconds percentile(double p) const noexcept;

 private:
  static constexpr int sub_bits = 6;  // 64 linear steps per power of two
  static constexpr std::size_t sub_count = 1U << sub_bits;
  static constexpr std::size_t bucket_count = sub_count * 40;  // covers 2^45 µs, about a year
  static std::size_t bucket_of(std::uint64_t us) noexcept;
  static std::uint64_t upper_of(std::size_t bucket) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_us_ = 0;
  std::uint64_t min_us_ = UINT64_MAX;
  std::uint64_t max_us_ = 0;
};

}  // namespace candar
