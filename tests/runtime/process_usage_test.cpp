#include "candar/runtime/process_usage.hpp"

#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstddef>

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
  // Pages of our own, straight from the kernel: a sanitizer's allocator may hand out memory it already touched.
  std::size_t const size = 64 * 1024 * 1024;
  void* block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(block, MAP_FAILED);
  auto* bytes = static_cast<volatile char*>(block);
  for (std::size_t at = 0; at < size; at += 4096) bytes[at] = 1;  // every page written
  auto const after = process_resident_bytes();
  munmap(block, size);
  EXPECT_GE(after - before, 32 * 1024 * 1024) << before << " -> " << after;
}

}  // namespace
}  // namespace candar
