#include "candar/failure/category.hpp"

#include <gtest/gtest.h>

#include "candar/failure/codes.hpp"

namespace candar {
namespace {

TEST(error_categories, the_most_severe_code_along_the_chain_decides) {
  error_categories cats;
  cats.assign("initialize", category::initialize)
      .assign("mismatch", category::validation)
      .assign("login", category::scenario);
  EXPECT_EQ(cats.classify(error("timeout", "").wrap("initialize")), category::initialize);
  EXPECT_EQ(cats.classify(error("timeout", "").wrap("login")), category::scenario);
  // Wrong data inside a flow stays wrong data, wherever the flow's code sits in the chain.
  EXPECT_EQ(cats.classify(error("mismatch", "$.user.chairs").wrap("login")), category::validation);
  EXPECT_EQ(cats.classify(error("mismatch", "$.user.chairs").wrap("login").wrap("visit")), category::validation);
  EXPECT_EQ(cats.classify(error("login", "").wrap("mismatch")), category::validation);
  EXPECT_EQ(cats.classify(error("mismatch", "").wrap("initialize")), category::initialize);
  EXPECT_EQ(cats.classify(error("mismatch", "$.user.chairs").wrap("validate")), category::validation);
  EXPECT_EQ(cats.classify(error("weird", "")), category::unexpected);
  EXPECT_EQ(cats.classify(error(codes::panic, "boom")), category::internal);
  EXPECT_EQ(cats.classify(error(codes::panic, "boom").wrap("login")), category::internal);
  // A contest that assigns panic itself decides what it is.
  cats.assign(codes::panic, category::scenario);
  EXPECT_EQ(cats.classify(error(codes::panic, "boom").wrap("weird")), category::scenario);
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
