// isuchair-bench: the isuchair sample contest's benchmarker. Prepare (initialize + one validation pass), Load
// (user flows under a load adjustor, a master-data refresh), Validate; the program around it (flags, signals,
// progress, verdict, JSON result) is candar's benchmarker_app.
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/app/benchmarker_app.hpp"
#include "candar/load/logs.hpp"
#include "codes.hpp"
#include "contest.hpp"

int main(int argc, char** argv) {
  candar::benchmarker_app app(
      "isuchair-bench",
      "Benchmarks an isuchair webapp: initialize and a validation pass, a load of user flows whose "
      "level rises while the webapp keeps up, a master-data refresh, and a final comparison of "
      "users with the model.");
  isuchair::contest_settings own;
  app.seconds_flag("refresh-after", own.refresh_after, "the master-data refresh this long into the load (default 20 s)")
      .seconds_flag("adjust-every", own.adjust_every, "the load adjustor's period (default 10 s)")
      .seconds_flag("step-timeout", own.step_timeout, "a user gives up on a request after this (default 10 s)");

  std::optional<isuchair::contest> game;
  return app.run(argc, argv,
                 {.setup =
                      [&](candar::benchmark& b, candar::run_settings const& s, candar::logs& log) {
                        auto settings = own;
                        settings.target = s.target;
                        settings.load_duration = s.load_duration;
                        settings.prepare_timeout = s.prepare_timeout;
                        settings.validate_timeout = s.validate_timeout;
                        settings.seed = s.seed;
                        settings.prepare_only = s.prepare_only;
                        game.emplace(settings, log);
                        game->add_to(b);
                      },
                  .progress = [&] { return fmt::format("load level {:>3}", game->level()); },
                  .load_level = [&] { return static_cast<double>(game->level()); },
                  .add_to_result =
                      [&](nlohmann::json& result) {
                        result["implementation"] = game->implementation();
                        auto& levels = result["load_levels"] = nlohmann::json::array();
                        for (auto const& change : game->timeline()) {
                          levels.push_back({{"at_seconds", std::chrono::duration<double>(change.at).count()},
                                            {"level", change.level}});
                        }
                      },
                  .critical_classes = {"validation"},
                  .error_limit = isuchair::error_limit,
                  .save_state = [&] { return game->save_state(); },
                  .load_state = [&](nlohmann::json const& state) { game->load_state(state); }});
}
