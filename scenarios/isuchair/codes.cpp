#include "codes.hpp"

namespace isuchair {

void set_score_table(candar::score& s) {
  // Heavier where the webapp does more work, as a contest's score table: writes above reads, the gacha above all.
  s.set_weight("register", 10)
      .set_weight("gacha", 5)
      .set_weight("receive", 3)
      .set_weight("login", 2)
      .set_weight("reward", 2)
      .set_weight("home", 1)
      .set_weight("presents", 1)
      .set_weight("page", 1)
      .set_weight("banned-refused", 1)
      .set_weight("static", 0)
      .set_weight("version", 0);
  // Every error carries its flow's or phase's code; one of them per error deducts.
  for (auto const code : {codes::existing_user, codes::new_user, codes::banned_user, codes::refresh}) {
    s.set_deduction(code, deduction_per_error);
  }
}

candar::error_categories error_table() {
  candar::error_categories t;
  t.assign(codes::initialize, candar::category::initialize);
  for (auto const code : {codes::response, codes::master_version, codes::banned, codes::cache_headers, codes::asset,
                          codes::page, codes::must_refuse}) {
    t.assign(code, candar::category::validation);
  }
  for (auto const code : {codes::status, codes::gave_up, codes::resource}) t.assign(code, candar::category::scenario);
  t.assign("panic", candar::category::internal);
  return t;
}

}  // namespace isuchair
