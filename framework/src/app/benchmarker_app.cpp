#include "candar/app/benchmarker_app.hpp"

#include <iostream>
#include <optional>

#include "app_flags.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/runtime/open_files.hpp"
#include "candar/runtime/runtime.hpp"
#include "repeated_benchmark.hpp"
#include "single_run.hpp"

namespace candar {

struct benchmarker_app::impl {
  impl(std::string name, std::string const& about) : flags(std::move(name), about) {}
  detail::app_flags flags;
  // Kept until the app goes, so that a contest's objects holding agents (a user_pool), declared after the app,
  // are destroyed while their loops still exist.
  std::optional<runtime> loops;
  std::optional<benchmark> the_benchmark;
};

benchmarker_app::benchmarker_app(std::string name, std::string const& about)
    : impl_(std::make_unique<impl>(std::move(name), about)) {}

benchmarker_app::~benchmarker_app() = default;

benchmarker_app& benchmarker_app::seconds_flag(std::string const& name, std::chrono::steady_clock::duration& into,
                                               std::string const& help) {
  impl_->flags.add_seconds(name, into, help);
  return *this;
}

benchmarker_app& benchmarker_app::integer_flag(std::string const& name, std::int64_t& into, std::int64_t min,
                                               std::int64_t max, std::string const& help) {
  impl_->flags.cli.add_option("--" + name, into, help)->check(CLI::Range(min, max))->type_name("N");
  return *this;
}

benchmarker_app& benchmarker_app::switch_flag(std::string const& name, bool& into, std::string const& help) {
  impl_->flags.cli.add_flag("--" + name, into, help);
  return *this;
}

benchmarker_app& benchmarker_app::text_flag(std::string const& name, std::string& into, std::string const& help) {
  impl_->flags.cli.add_option("--" + name, into, help)->type_name("TEXT");
  return *this;
}

int benchmarker_app::run(int argc, char** argv, contest_definition const& contest) {
  auto& flags = impl_->flags;
  for (int i = 1; i < argc; ++i) flags.raw_args.emplace_back(argv[i]);
  raise_open_files_limit();  // as Go does: a connection per user, and Debian's soft limit is 1024
  try {
    if (!flags.parse(argc, argv)) return 0;
  } catch (detail::usage_error const& e) {
    std::cerr << flags.name << ": " << e.what() << " (see " << flags.name << " --help)\n";
    return 2;
  }
  if (flags.repeat > 1) return detail::run_repeated(flags);
  return detail::run_once(flags, contest, impl_->loops, impl_->the_benchmark);
}

}  // namespace candar
