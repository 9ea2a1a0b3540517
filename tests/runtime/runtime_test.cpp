#include "candar/runtime/runtime.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "candar/runtime/open_files.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;

TEST(runtime, defaults_to_one_loop_per_hardware_thread) {
  runtime rt;
  EXPECT_EQ(rt.size(), std::max(1U, std::thread::hardware_concurrency()));
}

TEST(runtime, each_loop_runs_on_its_own_thread_and_knows_its_index) {
  runtime rt(3);
  std::set<std::thread::id> threads;
  for (std::size_t i = 0; i < rt.size(); ++i) {
    std::promise<std::pair<std::thread::id, std::optional<std::size_t>>> where;
    asio::post(rt.executor(i), [&] { where.set_value({std::this_thread::get_id(), runtime::current_loop()}); });
    auto [id, loop] = where.get_future().get();
    threads.insert(id);
    EXPECT_EQ(loop, i);
  }
  EXPECT_EQ(threads.size(), 3U);
  EXPECT_FALSE(runtime::current_loop().has_value());  // the test's own thread is no loop
}

TEST(runtime, next_executor_goes_round_robin) {
  runtime rt(2);
  std::vector<std::size_t> loops;
  for (int i = 0; i < 4; ++i) {
    std::promise<std::size_t> where;
    asio::post(rt.next_executor(), [&] { where.set_value(*runtime::current_loop()); });
    loops.push_back(where.get_future().get());
  }
  EXPECT_NE(loops[0], loops[1]);
  EXPECT_EQ(loops[0], loops[2]);
  EXPECT_EQ(loops[1], loops[3]);
}

TEST(runtime, run_returns_when_the_work_is_done_and_rethrows_what_escaped) {
  runtime rt(1);
  int value = 0;
  rt.run([](int& v) -> asio::awaitable<void> {
    v = 42;
    co_return;
  }(value));
  EXPECT_EQ(value, 42);
  EXPECT_THROW(rt.run([]() -> asio::awaitable<void> {
    throw std::runtime_error("escaped");
    co_return;
  }()),
               std::runtime_error);
}

TEST(runtime, stop_is_idempotent) {
  runtime rt(2);
  rt.stop();
  rt.stop();
  SUCCEED();
}

// Debian's soft limit of 1024 open files is a few hundred users: the ready main raises it to the hard limit.
TEST(open_files, the_soft_limit_is_raised_to_the_hard_one) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > (rlim_t{1} << 20)) GTEST_SKIP() << "a hard limit above 2^20";
  rlimit low = limit;
  low.rlim_cur = std::min<rlim_t>(64, limit.rlim_max);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  auto const now = raise_open_files_limit();
  rlimit after{};
  getrlimit(RLIMIT_NOFILE, &after);
  EXPECT_EQ(after.rlim_cur, limit.rlim_max);
  EXPECT_EQ(now, static_cast<std::uint64_t>(limit.rlim_max));
}

}  // namespace
}  // namespace candar
