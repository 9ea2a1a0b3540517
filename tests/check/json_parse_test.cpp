#include "candar/check/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>

namespace candar {
namespace {

TEST(parse_json, parses_json_and_marks_what_is_not_json_as_discarded) {
  auto const good = parse_json(R"({"user":{"id":3,"name":"a"},"list":[1,2]})");
  ASSERT_FALSE(good.is_discarded());
  EXPECT_EQ(good.at("user").at("id"), 3);
  EXPECT_EQ(good.at("list").size(), 2U);
  for (std::string const bad : {"", "{", "<html>", R"({"a":1} trailing)", "\xff\xfe"}) {
    EXPECT_TRUE(parse_json(bad).is_discarded()) << bad;
  }
  EXPECT_EQ(parse_json("null"), nullptr);  // JSON null is JSON, not "discarded"
  EXPECT_FALSE(parse_json("null").is_discarded());
}

}  // namespace
}  // namespace candar
