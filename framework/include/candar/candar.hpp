#pragma once
// Everything a contest's benchmarker uses, in one include: the ready main (benchmarker_app), the benchmark and
// its steps, the browser-like agent, response checks, HTML documents and forms, users, seeded random data,
// workers (closed-loop and arrival rate), the load adjustor, error categories and logs.
// candar_add_benchmarker() precompiles this header, so including it costs nothing per file; the narrower
// headers stay available for a file that wants less. tests/docs/readme_snippets.cpp holds it to the README.
#include <fmt/format.h>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "candar/agent/agent.hpp"
#include "candar/agent/form_data.hpp"
#include "candar/app/benchmarker_app.hpp"
#include "candar/benchmark/benchmark.hpp"
#include "candar/benchmark/step.hpp"
#include "candar/check/asset_table.hpp"
#include "candar/check/json_difference.hpp"
#include "candar/check/json_parse.hpp"
#include "candar/check/response_check.hpp"
#include "candar/context/context.hpp"
#include "candar/context/parallel.hpp"
#include "candar/context/spawn.hpp"
#include "candar/failure/category.hpp"
#include "candar/failure/codes.hpp"
#include "candar/failure/error.hpp"
#include "candar/html/document.hpp"
#include "candar/html/form.hpp"
#include "candar/load/adjustor.hpp"
#include "candar/load/logs.hpp"
#include "candar/random/seeded_random.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/score/score.hpp"
#include "candar/users/user_pool.hpp"
#include "candar/version.hpp"
#include "candar/worker/arrival_rate.hpp"
#include "candar/worker/worker.hpp"

namespace candar {

// A scenario's coroutine type: awaitable<void> visit(step& s) { ... co_await a.get("/").send(); ... }
using boost::asio::awaitable;

}  // namespace candar
