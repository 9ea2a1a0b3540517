#include "candar/metrics/endpoint_metrics.hpp"

#include <gtest/gtest.h>

#include "support/threads.hpp"

namespace candar {
namespace {

using std::chrono::microseconds;

TEST(endpoint_metrics, counts_by_label_status_and_error_code_from_all_threads) {
  endpoint_metrics m;
  test::on_threads(4, [&](std::size_t t) {
    for (int i = 0; i < 1000; ++i) {
      m.record("GET /api/users/:id", i % 10 == 0 ? 500 : 200, microseconds(100 + t), 10);
      if (i % 100 == 0) m.record_error("POST /api/login", "timeout");
    }
  });
  auto const snap = m.snapshot();
  auto const& users = snap.at("GET /api/users/:id");
  EXPECT_EQ(users.requests, 4000U);
  EXPECT_EQ(users.by_status.at(200), 3600U);
  EXPECT_EQ(users.by_status.at(500), 400U);
  EXPECT_EQ(users.bytes, 40000U);
  EXPECT_EQ(users.latency.count(), 4000U);
  EXPECT_EQ(users.latency.min().count(), 100);
  EXPECT_EQ(users.latency.max().count(), 103);
  EXPECT_EQ(snap.at("POST /api/login").errors_by_code.at("timeout"), 40U);
  EXPECT_EQ(snap.at("POST /api/login").requests, 0U);
  auto const total = m.total();
  EXPECT_EQ(total.requests, 4000U);
  EXPECT_EQ(total.errors_by_code.at("timeout"), 40U);
}

}  // namespace
}  // namespace candar
