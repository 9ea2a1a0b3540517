#include "candar/agent/header_fields.hpp"

#include <gtest/gtest.h>

namespace candar {
namespace {

TEST(header_fields, keeps_fields_in_order_as_written_and_finds_them_whatever_the_case) {
  header_fields h;
  h.add("Set-Cookie", "a=1");
  h.add("Content-Type", "text/html; charset=utf-8");
  h.add("set-cookie", "b=2");
  h.add("X-Empty", "");
  ASSERT_EQ(h.size(), 4U);
  EXPECT_EQ(h[1].first, "Content-Type");
  EXPECT_EQ(h[1].second, "text/html; charset=utf-8");
  EXPECT_EQ(h.get("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(h.get("x-empty"), "");
  EXPECT_EQ(h.get("Missing"), std::nullopt);
  EXPECT_EQ(h.get_all("SET-COOKIE"), (std::vector<std::string_view>{"a=1", "b=2"}));
  std::vector<std::string> names;
  for (auto const& [name, value] : h) names.emplace_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"Set-Cookie", "Content-Type", "set-cookie", "X-Empty"}));
}

TEST(header_fields, extends_the_last_value_and_removes_every_field_of_a_name) {
  header_fields h{{"A", "1"}, {"X-Folded", "one"}};
  h.extend_last("two");
  EXPECT_EQ(h.get("x-folded"), "one two");
  h.add("a", "3");
  h.remove("A");
  EXPECT_EQ(h, (header_fields{{"X-Folded", "one two"}}));
  EXPECT_NE(h, (header_fields{{"x-folded", "one two"}}));  // equality compares names as written
}

TEST(header_fields, copies_are_independent) {
  header_fields a{{"K", "v"}};
  header_fields b = a;
  b.add("L", "w");
  EXPECT_EQ(a.size(), 1U);
  EXPECT_EQ(b.get("K"), "v");
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(b.size(), 2U);
}

}  // namespace
}  // namespace candar
