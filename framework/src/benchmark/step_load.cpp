// The workers' step adapters: declared with the workers (so a Load step reads `co_await users.process(s)`),
// defined here, in the layer that knows steps, so the workers do not depend on the benchmark.
#include <exception>
#include <utility>

#include "candar/benchmark/step.hpp"
#include "candar/worker/arrival_rate.hpp"
#include "candar/worker/worker.hpp"

namespace candar {

boost::asio::awaitable<void> worker::process(step& s) { return process(s, s.context()); }

boost::asio::awaitable<void> worker::process(step& s, context ctx) {
  co_await process(std::move(ctx), [&s](std::exception_ptr e) { s.add_exception(e); });
}

boost::asio::awaitable<void> arrival_rate::process(step& s) { return process(s, s.context()); }

boost::asio::awaitable<void> arrival_rate::process(step& s, context ctx) {
  co_await process(std::move(ctx), [&s](std::exception_ptr e) { s.add_exception(e); });
}

}  // namespace candar
