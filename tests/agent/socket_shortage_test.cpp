#include "socket_shortage.hpp"

// A benchmarker out of file descriptors: the connect that cannot even open its socket is the benchmarker's
// own failure, named with the limit (Asio alone says "operation aborted", which read as the webapp's fault);
// and an error collection counts it apart, so it deducts nothing.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include "candar/agent/agent.hpp"
#include "candar/failure/codes.hpp"
#include "candar/failure/error_collection.hpp"
#include "support/http_server.hpp"
#include "support/with_agent.hpp"

namespace candar {
namespace {

namespace asio = boost::asio;
using test::http_server;
using test::reply;
using test::seen_request;
using test::with_agent;

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
  http_server server([](seen_request const&) { return reply{.body = "ok"}; });
  with_agent({.base_url = server.url()}, [&](agent& a) -> asio::awaitable<void> {
    auto const first = co_await a.get("/").send();
    EXPECT_TRUE(first.has_value());
    a.close_idle();  // the next request needs a new socket
    std::optional<expected<response>> second;
    {
      no_free_descriptor limit;
      second = co_await a.get("/").send();
    }
    EXPECT_FALSE(second->has_value());
    if (second->has_value()) co_return;
    EXPECT_EQ((*second).error().inner_code(), codes::benchmarker);
    EXPECT_NE((*second).error().message().find("could not open a socket: Too many open files"), std::string::npos)
        << (*second).error().message();
    EXPECT_NE((*second).error().message().find("raise `ulimit -n`"), std::string::npos);
    auto const third = co_await a.get("/").send();  // the limit back: the agent works again
    EXPECT_TRUE(third.has_value());
  });
}

TEST(socket_shortage, the_collection_counts_the_benchmarkers_failure_apart_from_the_webapps_errors) {
  error_collection errors;
  errors.add(error(codes::benchmarker, "the benchmarker could not open a socket").wrap("new-user"));
  errors.add(error(codes::timeout, "slow").wrap("new-user"));
  EXPECT_EQ(errors.count(), 1);                      // the webapp's errors: the timeout alone
  EXPECT_EQ(errors.count("new-user"), 1);            // a flow's deductions do not see the benchmarker's failure
  EXPECT_EQ(errors.count(codes::benchmarker), 1);    // counted apart
  EXPECT_EQ(errors.messages(codes::benchmarker).size(), 1U);
}

}  // namespace
}  // namespace candar
