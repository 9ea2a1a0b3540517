// isuchair-bench: the isuchair sample contest's benchmarker. Prepare (initialize + one validation pass), Load
// (user flows under a load adjustor, a master-data refresh), Validate; then pass/fail, a score and a JSON
// result. Exit: 0 pass, 1 fail, 2 bad usage, 3 internal error.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "candar/benchmark/benchmark.hpp"
#include "candar/load/logs.hpp"
#include "codes.hpp"
#include "command_line.hpp"
#include "console.hpp"
#include "contest.hpp"
#include "result_file.hpp"
#include "verdict.hpp"

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using candar::cli::usage_error;

constexpr char const* help =
    "usage: isuchair-bench --target URL [--duration S] [--threads T] [--seed N] [--result FILE] [--prepare-only]\n"
    "                      [--progress auto|plain|none] [--refresh-after S] [--adjust-every S] [--step-timeout S]\n"
    "                      [--prepare-timeout S] [--validate-timeout S]\n"
    "Benchmarks an isuchair webapp: initialize and a validation pass, a load of user flows whose level rises\n"
    "while the webapp keeps up, a master-data refresh, and a final comparison of users with the model.\n"
    "  --target            the webapp's base URL, e.g. http://127.0.0.1:8080\n"
    "  --duration          the load phase (default 60 s)\n"
    "  --threads           event loops (default: one per hardware thread)\n"
    "  --seed              the benchmarker's choices (users, names); default 1\n"
    "  --result            write the JSON result there (also when interrupted)\n"
    "  --prepare-only      stop after Prepare (pass: the webapp initializes and answers correctly)\n"
    "  --progress          a live line on a terminal (auto), plain lines, or none\n"
    "  --refresh-after     the master-data refresh this long into the load (default 20 s)\n"
    "  --adjust-every      the load adjustor's period (default 10 s)\n"
    "  --step-timeout      a user gives up on a request after this (default 10 s)\n"
    "  --prepare-timeout   default 20 s;  --validate-timeout  default 20 s\n"
    "Exit: 0 pass, 1 fail, 2 bad usage, 3 internal error.\n";

// Grace after the three phases' timeouts before the run is stopped from outside.
constexpr auto grace = std::chrono::seconds(5);

struct options {
  isuchair::contest_settings contest;
  std::size_t threads = 0;
  std::optional<std::string> result_file;
  isuchair::bench::progress_mode progress = isuchair::bench::progress_mode::plain;
};

clock_type::duration seconds_of(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto const tv = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

options parse(std::vector<std::string> const& args) {
  candar::cli::command_line cl({.flags = {"help", "prepare-only"},
                                .options = {"target", "duration", "threads", "seed", "result", "progress",
                                            "refresh-after", "adjust-every", "step-timeout", "prepare-timeout",
                                            "validate-timeout"}},
                               args);
  if (cl.flag("help")) return {};
  if (!cl.positionals().empty()) throw usage_error(fmt::format("unexpected argument '{}'", cl.positionals()[0]));
  options o;
  auto const target = cl.value("target");
  if (!target) throw usage_error("--target URL is required");
  candar::cli::require_http_url(*target);
  o.contest.target = *target;
  while (!o.contest.target.empty() && o.contest.target.back() == '/') o.contest.target.pop_back();
  o.contest.load_duration = seconds_of(cl.seconds("duration", 60));
  o.threads = static_cast<std::size_t>(cl.integer("threads", 0, 0, 256));
  o.contest.seed = static_cast<std::uint64_t>(cl.integer("seed", 1, 0, 1LL << 53));
  o.result_file = cl.value("result");
  if (o.result_file) {
    // Checked now, not after a whole run whose result would then be lost.
    auto dir = std::filesystem::path(*o.result_file).parent_path();
    if (dir.empty()) dir = ".";
    if (o.result_file->empty() || std::filesystem::is_directory(*o.result_file) || access(dir.c_str(), W_OK) != 0) {
      throw usage_error(fmt::format("--result: cannot write '{}'", *o.result_file));
    }
  }
  o.contest.prepare_only = cl.flag("prepare-only");
  o.contest.refresh_after = seconds_of(cl.seconds("refresh-after", 20));
  o.contest.adjust_every = seconds_of(cl.seconds("adjust-every", 10));
  o.contest.step_timeout = seconds_of(cl.seconds("step-timeout", 10));
  o.contest.prepare_timeout = seconds_of(cl.seconds("prepare-timeout", 20));
  o.contest.validate_timeout = seconds_of(cl.seconds("validate-timeout", 20));
  auto const progress = cl.value("progress").value_or("auto");
  if (progress == "auto") {
    o.progress = isatty(STDOUT_FILENO) ? isuchair::bench::progress_mode::live : isuchair::bench::progress_mode::plain;
  } else if (progress == "plain") {
    o.progress = isuchair::bench::progress_mode::plain;
  } else if (progress == "none") {
    o.progress = isuchair::bench::progress_mode::none;
  } else {
    throw usage_error(fmt::format("--progress takes auto, plain or none, not '{}'", progress));
  }
  return o;
}

void print_summary(candar::result const& r, isuchair::bench::run_summary const& s, std::optional<std::string> const& file) {
  auto const& errors = r.errors();
  auto const& score = r.score();
  std::cout << fmt::format("{}: score {} (sum {}, deductions {}){}\n", s.outcome.pass ? "PASS" : "FAIL",
                           score.total(errors), score.sum(), score.deduction(errors),
                           s.interrupted ? " — interrupted" : "");
  for (auto const& reason : s.outcome.reasons) std::cout << "  failed: " << reason << '\n';
  std::cout << "breakdown:\n";
  for (auto const& [tag, n] : score.breakdown()) {
    std::cout << fmt::format("  {:<15} {:>8} x {:>2} = {}\n", tag, n, score.weight(tag), n * score.weight(tag));
  }
  std::cout << fmt::format("errors: {}\n", errors.count());
  for (auto const& [category, n] : errors.counts_by_class()) std::cout << fmt::format("  {:<12} {}\n", category, n);
  int shown = 0;
  for (auto const& e : errors.all()) {
    if (++shown > 10) {
      std::cout << "  ... (every code's first messages are in the result file)\n";
      break;
    }
    std::cout << "  " << e.summary() << '\n';
  }
  std::cout << fmt::format("benchmarker CPU: {:.2f}s over {:.2f}s\n", s.cpu_seconds, s.wall_seconds);
  if (file) std::cout << "result: " << *file << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  try {
    opt = parse(std::vector<std::string>(argv + 1, argv + argc));
    if (opt.contest.target.empty()) {
      std::cout << help;
      return 0;
    }
  } catch (usage_error const& e) {
    std::cerr << "isuchair-bench: " << e.what() << " (see isuchair-bench --help)\n";
    return 2;
  }

  isuchair::bench::console out(opt.progress);
  candar::logs log([&out](std::string_view line) { out.line(line); }, candar::logs::discard());
  auto const& cs = opt.contest;
  auto const bound = cs.prepare_timeout + (cs.prepare_only ? clock_type::duration() : cs.load_duration + cs.validate_timeout) + grace;

  isuchair::bench::run_summary summary;
  std::optional<candar::runtime> rt;
  std::optional<candar::benchmark> bench;
  std::optional<isuchair::contest> game;
  std::atomic<bool> interrupted{false};
  try {
    rt.emplace(opt.threads);
    bench.emplace(candar::benchmark_options{.prepare_timeout = cs.prepare_timeout,
                                            .load_timeout = cs.load_duration,
                                            .validate_timeout = cs.validate_timeout});
    game.emplace(opt.contest, log);
    game->add_to(*bench);
  } catch (std::exception const& e) {
    std::cerr << "isuchair-bench: internal error: " << e.what() << '\n';
    return 3;
  }

  auto const started = clock_type::now();
  auto const cpu_before = cpu_seconds();
  candar::context parent = candar::context().with_deadline(rt->executor(0), started + bound);

  // The control thread: signals, the progress line, and a watchdog should the run not stop by itself.
  asio::io_context control;
  asio::signal_set signals(control, SIGINT, SIGTERM);
  // The run has not stopped when it should have: write what is known (the counters are safe to read from any
  // thread) and leave.
  auto give_up = [&](std::string const& why, int code) {
    std::cerr << "isuchair-bench: " << why << '\n';
    if (opt.result_file) {
      auto const& r = bench->current();
      nlohmann::json const partial = {{"pass", false},
                                      {"score", r.score().total(r.errors())},
                                      {"reasons", {why}},
                                      {"interrupted", true},
                                      {"internal_error", why},
                                      {"breakdown", r.score().breakdown()},
                                      {"errors", {{"total", r.errors().count()}, {"by_code", r.errors().counts()}}}};
      try {
        isuchair::bench::write_result(*opt.result_file, partial);
      } catch (std::exception const& e) {
        std::cerr << "isuchair-bench: " << e.what() << '\n';
      }
    }
    std::_Exit(code);
  };
  std::function<void()> listen = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (interrupted.exchange(true)) give_up("a second signal: stopped at once", 1);
      out.line(fmt::format("{}: stopping the run, the result will be written (again to stop at once)",
                           sig == SIGINT ? "SIGINT" : "SIGTERM"));
      parent.cancel();
      listen();
    });
  };
  listen();
  asio::steady_timer ticker(control);
  auto const period = opt.progress == isuchair::bench::progress_mode::live ? std::chrono::milliseconds(500)
                                                                           : std::chrono::milliseconds(5000);
  std::function<void()> tick = [&] {
    ticker.expires_after(period);
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      auto const& r = bench->current();
      out.progress({.elapsed = clock_type::now() - started, .phase = std::string(game->phase_name()), .level = game->level(),
                    .score = r.score().total(r.errors()), .errors = r.errors().count()});
      tick();
    });
  };
  tick();
  asio::steady_timer watchdog(control, bound + std::chrono::seconds(10));
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (!ec) give_up("internal error: the run did not stop within its upper bound", 3);
  });
  std::thread control_thread([&] { control.run(); });

  int exit_code = 1;
  try {
    auto const& r = bench->run(*rt, parent);
    summary.interrupted = interrupted.load() || r.interrupted() != candar::stop_reason::none;
    auto const classes = r.errors().counts_by_class();
    auto const critical = classes.contains("validation") ? classes.at("validation") : 0;
    summary.outcome = isuchair::judge({.prepare_failed = r.prepare_failed(),
                                       .validate_failed = r.record(candar::phase::validate).failed,
                                       .critical_errors = critical,
                                       .errors = r.errors().count(),
                                       .error_limit = isuchair::error_limit,
                                       .score = cs.prepare_only ? 1 : r.score().total(r.errors())});
    if (summary.interrupted) {
      summary.outcome.pass = false;
      summary.outcome.reasons.emplace_back("the run was interrupted");
    }
    exit_code = summary.outcome.pass ? 0 : 1;
  } catch (std::exception const& e) {
    summary.internal_error = e.what();
    summary.outcome.pass = false;
    summary.outcome.reasons.push_back(fmt::format("internal error: {}", e.what()));
    exit_code = 3;
  }
  summary.wall_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  summary.cpu_seconds = cpu_seconds() - cpu_before;
  control.stop();
  control_thread.join();
  rt->stop();
  out.finish();

  auto const& r = bench->current();
  if (opt.result_file) {
    try {
      isuchair::bench::write_result(*opt.result_file, isuchair::bench::result_json(r, *game, summary));
    } catch (std::exception const& e) {
      std::cerr << "isuchair-bench: internal error: " << e.what() << '\n';
      exit_code = 3;
    }
  }
  print_summary(r, summary, opt.result_file);
  return exit_code;
}
