#include "candar/failure/error.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>

#include "candar/failure/codes.hpp"

namespace candar {
namespace {

error login_failed() { return error("status", "expected 200, got 500"); }

TEST(error, holds_code_and_message) {
  error e("status", "expected 200, got 500");
  EXPECT_EQ(e.outer_code(), "status");
  EXPECT_EQ(e.inner_code(), "status");
  EXPECT_EQ(e.message(), "expected 200, got 500");
  EXPECT_EQ(e.summary(), "status: expected 200, got 500");
}

TEST(error, wrapping_builds_a_chain_outer_to_inner) {
  error e = login_failed().wrap("login").wrap("load");
  ASSERT_EQ(e.chain().size(), 3U);
  EXPECT_EQ(e.chain()[0].code, "load");
  EXPECT_EQ(e.chain()[1].code, "login");
  EXPECT_EQ(e.chain()[2].code, "status");
  EXPECT_TRUE(e.has("login"));
  EXPECT_FALSE(e.has("logout"));
  EXPECT_EQ(e.summary(), "load > login > status: expected 200, got 500");
}

TEST(error, trace_names_where_each_level_was_added) {
  int const line = __LINE__ + 1;
  error e = login_failed().wrap("login");
  std::string const trace = e.trace();
  EXPECT_NE(trace.find("error_test.cpp:" + std::to_string(line)), std::string::npos) << trace;
  EXPECT_NE(trace.find("login_failed"), std::string::npos) << trace;  // where the inner error was made
}

TEST(error, wrapping_a_const_error_leaves_it_alone) {
  error const inner("x", "m");
  error outer = inner.wrap("y");
  EXPECT_EQ(inner.chain().size(), 1U);
  EXPECT_EQ(outer.chain().size(), 2U);
}

TEST(error, system_errors_get_codes_by_condition) {
  namespace ae = boost::asio::error;
  EXPECT_EQ(error::from(make_error_code(ae::timed_out)).inner_code(), codes::timeout);
  EXPECT_EQ(error::from(make_error_code(ae::operation_aborted)).inner_code(), codes::canceled);
  EXPECT_EQ(error::from(make_error_code(ae::connection_refused)).inner_code(), codes::connection);
  EXPECT_EQ(error::from(make_error_code(ae::connection_reset)).inner_code(), codes::connection);
  EXPECT_EQ(error::from(make_error_code(ae::eof)).inner_code(), codes::connection);
  EXPECT_EQ(error::from(std::make_error_code(std::errc::timed_out)).inner_code(), codes::timeout);
  EXPECT_EQ(error::from(make_error_code(ae::no_memory)).inner_code(), codes::io);
  EXPECT_FALSE(error::from(make_error_code(ae::connection_refused)).message().empty());
}

}  // namespace
}  // namespace candar
