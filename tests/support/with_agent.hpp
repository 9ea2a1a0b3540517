#pragma once
// Runs `body(agent&)` (a coroutine) on a one-loop runtime with an agent made from `options`, and returns when
// it has finished.
#include <boost/asio/this_coro.hpp>

#include "candar/agent/agent.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar::test {

template <class Body>
void with_agent(agent_options options, Body body) {
  runtime rt(1);
  rt.run([](agent_options o, Body b) -> boost::asio::awaitable<void> {
    agent a(co_await boost::asio::this_coro::executor, std::move(o));
    co_await b(a);
  }(std::move(options), std::move(body)));
}

}  // namespace candar::test
