#include "candar/metrics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace candar {

std::size_t histogram::bucket_of(std::uint64_t us) noexcept {
  if (us < sub_count) return static_cast<std::size_t>(us);
  // e >= 1: the power-of-two range [2^(e+5), 2^(e+6)) split into 64 equal steps.
  auto const e = static_cast<std::size_t>(std::bit_width(us)) - sub_bits - 1;
  auto const step = static_cast<std::size_t>(us >> e) - sub_count;  // 0..63
  return std::min(bucket_count - 1, sub_count * (e + 1) + step);
}

std::uint64_t histogram::upper_of(std::size_t bucket) noexcept {
  if (bucket < sub_count) return bucket;
  auto const e = bucket / sub_count - 1;
  auto const step = bucket % sub_count;
  return ((sub_count + step + 1) << e) - 1;
}

void histogram::record(std::chrono::nanoseconds value) noexcept {
  auto const us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, value.count() / 1000));
  ++buckets_[bucket_of(us)];
  ++count_;
  sum_us_ += us;
  min_us_ = std::min(min_us_, us);
  max_us_ = std::max(max_us_, us);
}

void histogram::merge(histogram const& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_us_ += other.sum_us_;
  min_us_ = std::min(min_us_, other.min_us_);
  max_us_ = std::max(max_us_, other.max_us_);
}

histogram histogram::since(histogram const& earlier) const noexcept {
  histogram out;
  std::size_t first = bucket_count, last = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    out.buckets_[i] = buckets_[i] - std::min(buckets_[i], earlier.buckets_[i]);
    if (out.buckets_[i] == 0) continue;
    first = std::min(first, i);
    last = i;
  }
  out.count_ = count_ - std::min(count_, earlier.count_);
  out.sum_us_ = sum_us_ - std::min(sum_us_, earlier.sum_us_);
  if (out.count_ > 0 && first < bucket_count) {
    out.min_us_ = std::max(min_us_, first == 0 ? 0 : upper_of(first - 1) + 1);
    out.max_us_ = std::min(max_us_, upper_of(last));
  }
  return out;
}

std::chrono::microseconds histogram::min() const noexcept {
  return std::chrono::microseconds(count_ == 0 ? 0 : min_us_);
}

std::chrono::microseconds histogram::mean() const noexcept {
  return std::chrono::microseconds(count_ == 0 ? 0 : sum_us_ / count_);
}

std::uint64_t histogram::count_at_most(std::chrono::microseconds bound) const noexcept {
  if (bound.count() < 0) return 0;
  auto const us = static_cast<std::uint64_t>(bound.count());
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < bucket_count && upper_of(i) <= us; ++i) n += buckets_[i];
  return n;
}

std::chrono::microseconds histogram::percentile(double p) const noexcept {
  if (count_ == 0) return std::chrono::microseconds(0);
  p = std::clamp(p, 0.0, 100.0);
  auto const rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // The bucket's top, but never past what was actually recorded.
      return std::chrono::microseconds(std::clamp(upper_of(i), min_us_, max_us_));
    }
  }
  return std::chrono::microseconds(max_us_);
}

}  // namespace candar
