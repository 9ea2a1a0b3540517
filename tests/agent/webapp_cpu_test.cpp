// The time spent reading what a webapp sent is seen while it is spent: a parse of seconds on a loop is the
// webapp's in every second it lasts, not only in the second it ends (the saturation check samples each second).
#include "webapp_cpu.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <thread>

namespace candar::detail {
namespace {

// Waits until `d` has passed on the clock: the scope is open that long (what is asserted is that its time
// shows, not how fast anything runs).
void let_pass(std::chrono::milliseconds d) {
  auto const until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

TEST(webapp_cpu, an_open_scope_on_another_thread_counts_while_it_lasts_and_once_when_closed) {
  std::latch opened(1), close(1), closed(1);
  std::thread parser([&] {
    {
      webapp_cpu_scope const outer;
      webapp_cpu_scope const nested;  // adds nothing of its own
      opened.count_down();
      close.wait();
    }
    closed.count_down();
  });
  opened.wait();
  auto const from = std::chrono::steady_clock::now();
  auto const first = webapp_cpu_seconds();
  let_pass(std::chrono::milliseconds(30));
  auto const later = webapp_cpu_seconds();
  EXPECT_GE(later - first, 0.029);  // still open, and already counted
  let_pass(std::chrono::milliseconds(30));
  close.count_down();
  closed.wait();
  auto const done = webapp_cpu_seconds();
  auto const to = std::chrono::steady_clock::now();
  auto const after = webapp_cpu_seconds();
  EXPECT_GE(done - first, 0.059);
  EXPECT_EQ(done, after);  // closed: no longer growing
  // Counted once: at most the time that passed between the readings (the nested scope added nothing).
  EXPECT_LE(done - first, std::chrono::duration<double>(to - from).count() + 1e-6);
  parser.join();
}

}  // namespace
}  // namespace candar::detail
