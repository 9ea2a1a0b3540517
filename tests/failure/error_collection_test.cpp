#include "candar/failure/error_collection.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include <fmt/format.h>

#include "support/threads.hpp"

namespace candar {
namespace {

TEST(error_collection, counts_every_code_of_the_chain_once) {
  error_collection errors;
  errors.add(error("timeout", "slow").wrap("login").wrap("load"));
  errors.add(error("status", "500").wrap("login"));
  errors.add(error("retry", "again").wrap("retry"));  // the same code twice in one chain counts once
  EXPECT_EQ(errors.count(), 3);
  EXPECT_EQ(errors.count("login"), 2);
  EXPECT_EQ(errors.count("timeout"), 1);
  EXPECT_EQ(errors.count("load"), 1);
  EXPECT_EQ(errors.count("retry"), 1);
  EXPECT_EQ(errors.count("missing"), 0);
  auto const counts = errors.counts();
  EXPECT_EQ(counts.at("login"), 2);
  EXPECT_EQ(counts.at("status"), 1);
}

// --har writes the flows of each code's first errors: the others let go of theirs, so that 100,000 kept errors
// do not hold their flows' bodies. An error that is early for one of its codes keeps its flow.
TEST(error_collection, only_each_codes_first_errors_keep_their_exchanges) {
  error_collection errors;
  auto const flow =
      exchange_history::after(nullptr, recorded_exchange{.method = "GET", .url = "http://x/", .status = 500});
  auto with_flow = [&](error e) { return std::move(e).with_trace(trace_ids{.exchanges = flow}); };
  for (int i = 0; i < 8; ++i) errors.add(with_flow(error("status", "500 #" + std::to_string(i)).wrap("visit")));
  errors.add(with_flow(error("timeout", "slow").wrap("visit")));  // a new code: early for it
  auto const kept = errors.first("visit");
  ASSERT_EQ(kept.size(), 9U);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(static_cast<bool>(kept[i].trace_context().exchanges),
              static_cast<std::int64_t>(i) < error_collection::flows_kept_per_code)
        << i;
  }
  EXPECT_TRUE(kept[8].trace_context().exchanges);
}

TEST(error_collection, messages_by_code_in_order_of_adding) {
  error_collection errors;
  errors.add(error("status", "first").wrap("login"));
  errors.add(error("status", "other").wrap("home"));
  errors.add(error("status", "second").wrap("login"));
  auto const msgs = errors.messages("login");
  ASSERT_EQ(msgs.size(), 2U);
  EXPECT_EQ(msgs[0], "login > status: first");
  EXPECT_EQ(msgs[1], "login > status: second");
  EXPECT_EQ(errors.messages("status", 1).size(), 1U);
  auto const all = errors.all();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[1].message(), "other");
}

TEST(error_collection, all_adds_from_all_threads_are_counted) {
  error_collection errors;
  std::atomic<std::int64_t> hooked{0};
  errors.on_add([&](error const&) { hooked.fetch_add(1, std::memory_order_relaxed); });
  constexpr std::int64_t total = 100'000;
  auto const n = test::thread_count();
  auto const per_thread = total / static_cast<std::int64_t>(n);
  test::on_threads(n, [&](std::size_t t) {
    for (std::int64_t i = 0; i < per_thread; ++i) {
      errors.add(error(i % 2 == 0 ? "even" : "odd", "m").wrap(fmt::format("t{}", t)));
    }
  });
  auto const added = per_thread * static_cast<std::int64_t>(n);
  EXPECT_EQ(errors.count(), added);
  EXPECT_EQ(errors.count("even") + errors.count("odd"), added);
  EXPECT_EQ(errors.count("t0"), per_thread);
  EXPECT_EQ(hooked.load(), added);
  EXPECT_EQ(static_cast<std::int64_t>(errors.all().size()), added);
  EXPECT_EQ(errors.dropped(), 0);
}

TEST(error_collection, keeps_at_most_the_limit_but_counts_everything) {
  error_collection errors(10);
  test::on_threads(4, [&](std::size_t) {
    for (int i = 0; i < 1000; ++i) errors.add(error("x", "m"));
  });
  EXPECT_EQ(errors.count(), 4000);
  EXPECT_EQ(errors.count("x"), 4000);
  EXPECT_EQ(errors.all().size(), 10U);
  EXPECT_EQ(errors.dropped(), 3990);
}

TEST(error_collection, hooks_run_once_per_error_and_may_add_more) {
  error_collection errors;
  int calls = 0;
  errors.on_add([&](error const& e) {
    ++calls;
    if (e.has("first")) errors.add(error("second", "from a hook"));
  });
  errors.add(error("first", "m"));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(errors.count(), 2);
}

TEST(error_collection, classifier_counts_classes_as_errors_arrive) {
  error_collection errors;
  errors.set_classifier([](error const& e) { return std::string(e.outer_code()); });
  errors.add(error("a", ""));
  errors.add(error("a", ""));
  errors.add(error("b", "").wrap("c"));
  auto const classes = errors.counts_by_class();
  EXPECT_EQ(classes.at("a"), 2);
  EXPECT_EQ(classes.at("c"), 1);
  EXPECT_FALSE(classes.contains("b"));
}

}  // namespace
}  // namespace candar
