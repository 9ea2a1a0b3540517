// The workers' step adapters: declared with the workers (so a Load step reads `co_await users.process(s)`),
// defined here, in the layer that knows steps, so the workers do not depend on the benchmark.
#include <exception>

#include "candar/benchmark/step.hpp"
#include "candar/worker/arrival_rate.hpp"
#include "candar/worker/worker.hpp"

namespace candar {

boost::asio::awaitable<void> worker::process(step& s) {
  co_await process(s.context(), [&s](std::exception_ptr e) { s.add_exception(e); });
}

boost::asio::awaitable<void> arrival_rate::process(step& s) {
  co_await process(s.context(), [&s](std::exception_ptr e) { s.add_exception(e); });
}

}  // namespace candar
