#include "candar/runtime/process_usage.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace candar {
namespace {

TEST(process_usage, cpu_time_grows_with_work_done) {
  double const before = process_cpu_seconds();
  EXPECT_GT(before, 0.0);
  // Work until the clock moves: bounded by the work, not by a time.
  volatile std::uint64_t sink = 0;
  bool moved = false;
  for (int round = 0; round < 10'000 && !moved; ++round) {
    for (int i = 0; i < 100'000; ++i) sink = sink + static_cast<std::uint64_t>(i);
    moved = process_cpu_seconds() > before;
  }
  EXPECT_TRUE(moved);
}

TEST(process_usage, resident_memory_counts_pages_touched) {
  auto const before = process_resident_bytes();
  EXPECT_GT(before, 0);
  std::vector<char> block(64 * 1024 * 1024, 1);  // every page written
  auto const after = process_resident_bytes();
  EXPECT_GE(after - before, 32 * 1024 * 1024) << before << " -> " << after;
  EXPECT_EQ(block[block.size() / 2], 1);
}

}  // namespace
}  // namespace candar
