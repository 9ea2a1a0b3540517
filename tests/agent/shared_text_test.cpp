#include "shared_text.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace candar::detail {
namespace {

TEST(shared_text, identical_texts_share_one_copy_while_held) {
  std::string const text = "body { color: red }";
  std::string const same_text(text.begin(), text.end());  // another buffer, the same characters
  auto const a = share_text(text);
  auto const b = share_text(same_text);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(*a, "body { color: red }");
  auto const c = share_text("body { color: blue }");
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(*c, "body { color: blue }");
}

TEST(shared_text, a_released_text_is_made_again_and_the_table_does_not_grow_without_bound) {
  for (int i = 0; i < 10'000; ++i) {
    auto const t = share_text("text " + std::to_string(i));
    EXPECT_EQ(*t, "text " + std::to_string(i));
  }
  auto const again = share_text("text 5");
  EXPECT_EQ(*again, "text 5");
  EXPECT_EQ(again.use_count(), 1);  // nobody else held it: a fresh copy, not a dangling one
}

TEST(shared_text, each_thread_has_its_own_table_and_copies_outlive_it) {
  std::shared_ptr<std::string const> from_thread;
  std::thread t([&] { from_thread = share_text("made elsewhere"); });
  t.join();
  auto const here = share_text("made elsewhere");
  EXPECT_EQ(*from_thread, "made elsewhere");
  EXPECT_EQ(*here, *from_thread);
}

}  // namespace
}  // namespace candar::detail
