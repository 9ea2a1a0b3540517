#include "candar/benchmark/benchmark.hpp"

#include <future>
#include <memory>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "benchmark_run.hpp"
#include "candar/context/spawn.hpp"
#include "candar/detail/async_signal.hpp"
#include "candar/failure/codes.hpp"

namespace candar {

namespace asio = boost::asio;

namespace {

using step_function = scenario::step_function;

struct step_job {
  std::string scenario;
  step_function fn;
};

// Runs `jobs` at once, each in its own coroutine on the runtime's next loop, under `ctx`; returns when all
// have finished. A step object lives exactly as long as its coroutine.
asio::awaitable<void> run_all(detail::benchmark_run& run, phase p, context const& ctx, std::vector<step_job> jobs) {
  if (jobs.empty()) co_return;
  detail::async_signal all_done(co_await asio::this_coro::executor);
  auto remaining = std::make_shared<std::atomic<std::size_t>>(jobs.size());
  for (auto& job : jobs) {
    auto s = std::make_shared<step>(run, job.scenario, p, ctx);
    auto body = [](std::shared_ptr<step> st, step_function fn) -> asio::awaitable<void> { co_await fn(*st); };
    spawn(run.rt->next_executor(), ctx, body(s, std::move(job.fn)),
          [s, remaining, all_done](std::exception_ptr const& e) mutable {
            s->add_exception(e);
            if (remaining->fetch_sub(1) == 1) all_done.notify();
          });
  }
  // Named, not a temporary in the co_await expression: g++ 12 mishandles temporaries' lifetimes there.
  std::function<bool()> all_finished = [remaining] { return remaining->load() == 0; };
  co_await all_done.wait_until(std::move(all_finished));
}

std::vector<step_job> jobs_of(std::vector<scenario> const& scenarios, step_function scenario::*member) {
  std::vector<step_job> jobs;
  for (auto const& s : scenarios) {
    if (s.*member) jobs.push_back({s.name, s.*member});
  }
  return jobs;
}

}  // namespace

benchmark::benchmark(benchmark_options options) : run_(std::make_unique<detail::benchmark_run>()) {
  run_->options = std::move(options);
}

benchmark::~benchmark() = default;

benchmark& benchmark::add(scenario s) {
  run_->scenarios.push_back(std::move(s));
  return *this;
}

benchmark& benchmark::on_error(error_hook hook) {
  run_->hooks.push_back(std::move(hook));
  return *this;
}

candar::result& benchmark::result() noexcept { return run_->result; }

std::optional<phase> benchmark::phase_now() const noexcept {
  auto const i = run_->running.load();
  if (i < 0) return std::nullopt;
  return static_cast<phase>(i);
}

asio::awaitable<void> benchmark::start(runtime& rt, context parent) {
  auto& run = *run_;
  if (run.started) throw std::logic_error("benchmark: a benchmark runs once");
  run.started = true;
  run.rt = &rt;
  run.root = parent.with_cancel();
  auto const timer_ex = co_await asio::this_coro::executor;

  struct phase_plan {
    phase which;
    std::chrono::steady_clock::duration timeout;
    step_function scenario::*member;
    bool concurrent;
  };
  phase_plan const plans[] = {
      {phase::prepare, run.options.prepare_timeout, &scenario::prepare, false},
      {phase::load, run.options.load_timeout, &scenario::load, true},
      {phase::validate, run.options.validate_timeout, &scenario::validate, false},
  };

  for (auto const& plan : plans) {
    if (run.root.done()) break;
    if (run.options.prepare_only && plan.which != phase::prepare) break;
    if (run.options.validate_only && plan.which != phase::validate) continue;
    run.running = static_cast<int>(plan.which);
    auto& record = run.result.record(plan.which);
    record.ran = true;
    record.start = std::chrono::steady_clock::now();
    record.wall_start = std::chrono::system_clock::now();
    auto const errors_before = run.result.errors().count();
    context phase_ctx = run.root.with_timeout(timer_ex, plan.timeout);
    auto jobs = jobs_of(run.scenarios, plan.member);
    if (plan.concurrent) {
      co_await run_all(run, plan.which, phase_ctx, std::move(jobs));
    } else {
      for (auto& job : jobs) {
        if (phase_ctx.done()) break;
        std::vector<step_job> one;
        one.push_back(std::move(job));
        co_await run_all(run, plan.which, phase_ctx, std::move(one));
      }
    }
    bool const timed_out = phase_ctx.reason() == stop_reason::timeout;
    if (timed_out && plan.which != phase::load && run.result.errors().count() == errors_before) {
      // Every step returned, but the phase's time ran out on the way (a step may have given up quietly).
      step s(run, "", plan.which, phase_ctx);
      run.record(error(codes::timeout, "the phase did not finish in time").wrap(to_string(plan.which)), s);
    }
    phase_ctx.cancel();  // releases the phase's timer
    record.end = std::chrono::steady_clock::now();
    record.failed = run.result.errors().count() != errors_before || (plan.which != phase::load && timed_out);
    if (plan.which == phase::prepare && record.failed) break;
  }
  run.running = -1;
  run.result.set_interrupted(run.root.reason());
  run.root.cancel();
  std::exception_ptr uncaught;
  {
    std::lock_guard lock(run.exception_mutex);
    uncaught = run.first_uncaught;
  }
  if (uncaught) std::rethrow_exception(uncaught);
}

result const& benchmark::run(runtime& rt, context parent) {
  rt.run(start(rt, std::move(parent)));
  return run_->result;
}

}  // namespace candar
