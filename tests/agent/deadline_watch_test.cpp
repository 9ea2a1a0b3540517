#include "deadline_watch.hpp"

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include "connection.hpp"

namespace candar::detail {
namespace {

using namespace std::chrono_literals;

// Watched again (send() watches the connection acquire() returned) after the timer cut it off while its
// success was still queued: it stays cut off, and fails as a timeout, not later as "Bad file descriptor".
TEST(deadline_watch, a_connection_cut_off_stays_cut_off_when_watched_again) {
  boost::asio::io_context io(1);
  boost::asio::any_io_executor const ex = io.get_executor();
  connection c(ex);
  auto& watch = deadline_watch::of(ex);
  watch.watch(c, deadline_watch::clock_type::now() + 1ms, ex);
  io.run_one();  // the watch's timer, the one thing waiting
  ASSERT_TRUE(c.timed_out());
  watch.watch(c, deadline_watch::clock_type::now() + 1h, ex);
  EXPECT_TRUE(c.timed_out());
  watch.unwatch(c);
}

}  // namespace
}  // namespace candar::detail
