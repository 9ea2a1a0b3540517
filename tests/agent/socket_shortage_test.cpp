#include "socket_shortage.hpp"

// A benchmarker out of file descriptors: a socket it cannot open is its own failure, named with the limit (the
// agent asks this when Asio's connect says "operation aborted" on a closed socket, which read as the webapp's
// fault); and an error collection counts it apart, so it deducts nothing.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "candar/failure/codes.hpp"
#include "candar/failure/error_collection.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;

// While it lives, the process can open no descriptor: its soft limit is set to the lowest free one.
class no_free_descriptor {
 public:
  no_free_descriptor() {
    getrlimit(RLIMIT_NOFILE, &saved_);
    int const lowest_free = ::dup(0);
    ::close(lowest_free);
    rlimit tight = saved_;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    setrlimit(RLIMIT_NOFILE, &tight);
  }
  ~no_free_descriptor() { setrlimit(RLIMIT_NOFILE, &saved_); }
  no_free_descriptor(no_free_descriptor const&) = delete;
  no_free_descriptor& operator=(no_free_descriptor const&) = delete;

 private:
  rlimit saved_{};
};

TEST(socket_shortage, a_socket_the_benchmarker_cannot_open_is_its_own_failure_named_with_the_limit) {
  // On this thread alone, with no loop or server thread running: while no descriptor is free, the sanitizers'
  // own checks in any other thread would fail too (UBSan's vptr check needs a pipe).
  asio::io_context io;
  EXPECT_EQ(detail::socket_shortage(io.get_executor(), asio::ip::tcp::v4()), std::nullopt);  // a socket opens
  std::optional<error> shortage;
  {
    no_free_descriptor limit;
    shortage = detail::socket_shortage(io.get_executor(), asio::ip::tcp::v4());
  }
  ASSERT_TRUE(shortage.has_value());
  EXPECT_EQ(shortage->inner_code(), codes::benchmarker);
  EXPECT_NE(shortage->message().find("could not open a socket: Too many open files"), std::string::npos)
      << shortage->message();
  EXPECT_NE(shortage->message().find("raise `ulimit -n`"), std::string::npos);
}

TEST(socket_shortage, the_collection_counts_the_benchmarkers_failure_apart_from_the_webapps_errors) {
  error_collection errors;
  errors.add(error(codes::benchmarker, "the benchmarker could not open a socket").wrap("new-user"));
  errors.add(error(codes::timeout, "slow").wrap("new-user"));
  EXPECT_EQ(errors.count(), 1);                    // the webapp's errors: the timeout alone
  EXPECT_EQ(errors.count("new-user"), 1);          // a flow's deductions do not see the benchmarker's failure
  EXPECT_EQ(errors.count(codes::benchmarker), 1);  // counted apart
  EXPECT_EQ(errors.messages(codes::benchmarker).size(), 1U);
}

}  // namespace
}  // namespace candar
