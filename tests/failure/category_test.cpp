#include "candar/failure/category.hpp"

#include <gtest/gtest.h>

#include "candar/failure/codes.hpp"

namespace candar {
namespace {

TEST(error_categories, outermost_assigned_code_decides) {
  error_categories cats;
  cats.assign("initialize", category::initialize).assign("mismatch", category::validation).assign("login", category::scenario);
  EXPECT_EQ(cats.classify(error("timeout", "").wrap("initialize")), category::initialize);
  EXPECT_EQ(cats.classify(error("mismatch", "$.user.chairs").wrap("login")), category::scenario);
  EXPECT_EQ(cats.classify(error("mismatch", "$.user.chairs").wrap("validate")), category::validation);
  EXPECT_EQ(cats.classify(error("weird", "")), category::unexpected);
  EXPECT_EQ(cats.classify(error(codes::panic, "boom")), category::internal);
}

TEST(error_categories, classifier_counts_by_category_name) {
  error_categories cats;
  cats.assign("mismatch", category::validation);
  error_collection errors;
  errors.set_classifier(cats.classifier());
  errors.add(error("mismatch", ""));
  errors.add(error("mismatch", ""));
  errors.add(error("other", ""));
  auto const counts = errors.counts_by_class();
  EXPECT_EQ(counts.at("validation"), 2);
  EXPECT_EQ(counts.at("unexpected"), 1);
  EXPECT_EQ(to_string(category::scenario), "scenario");
}

}  // namespace
}  // namespace candar
