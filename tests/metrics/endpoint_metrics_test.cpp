#include "candar/metrics/endpoint_metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(endpoint_metrics, an_observer_sees_each_request_as_it_is_recorded) {
  endpoint_metrics metrics;
  std::vector<std::string> seen;
  metrics.set_observer([&](endpoint_metrics::observed_request const& r) {
    seen.push_back(std::string(r.label) + " " + std::to_string(r.status) + " " + std::to_string(r.latency.count()) +
                   " " + std::to_string(r.body_bytes) + " " + std::string(r.error_code));
  });
  metrics.record("GET /a", 200, std::chrono::nanoseconds(1500), 12);
  metrics.record_error("POST /b", "timeout");
  metrics.set_observer({});
  metrics.record("GET /a", 404, std::chrono::nanoseconds(7), 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"GET /a 200 1500 12 ", "POST /b 0 0 0 timeout"}));
  EXPECT_EQ(metrics.total().requests, 2U) << "observed or not, every request is counted here";
}

// Labels past the cap (ids in labels) share one row and are kept nowhere; an admitted label keeps its row on
// every thread.
TEST(endpoint_metrics, labels_past_the_cap_share_one_row_and_admitted_ones_keep_theirs_on_every_thread) {
  endpoint_metrics m(3);
  for (char const* l : {"GET /a", "GET /b", "GET /c"}) m.record(l, 200, microseconds(1), 0);
  test::on_threads(4, [&](std::size_t t) {
    for (int i = 0; i < 1000; ++i) {
      m.record("GET /id/" + std::to_string(t * 1000 + static_cast<std::size_t>(i)), 200, microseconds(1), 0);
      m.record("GET /b", 200, microseconds(1), 0);
    }
  });
  auto const snap = m.snapshot();
  EXPECT_EQ(snap.size(), 4U);
  EXPECT_EQ(snap.at(std::string(endpoint_metrics::other_label)).requests, 4000U);
  EXPECT_EQ(snap.at("GET /b").requests, 4001U);
}

}  // namespace
}  // namespace candar
