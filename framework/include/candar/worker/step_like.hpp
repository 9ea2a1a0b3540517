#pragma once
// What a worker needs of a benchmark step to run inside it: its context, and a place for the exceptions its
// iterations throw. candar::step has both; the workers sit in a layer below the one that defines steps, so they
// take any type that does.
#include <concepts>
#include <exception>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"

namespace candar {

template <class Step>
concept step_like = requires(Step& s, std::exception_ptr e) {
  { s.context() } -> std::convertible_to<context>;
  s.add_exception(e);
};

// `process(step)` for a runner that has `process(context, exception_handler)` (the worker, the arrival rate):
// within a benchmark step, its context (or `ctx`, narrower, e.g. s.context().with_cancel()), and escaping
// exceptions become `panic` errors of the step. A runner derives from it and says `using runs_in_steps::process`.
template <class Runner>
class runs_in_steps {
 public:
  template <step_like Step>
  boost::asio::awaitable<void> process(Step& s) {
    return process(s, s.context());
  }
  template <step_like Step>
  boost::asio::awaitable<void> process(Step& s, context ctx) {
    return static_cast<Runner&>(*this).process(std::move(ctx), [&s](std::exception_ptr e) { s.add_exception(e); });
  }
};

}  // namespace candar
