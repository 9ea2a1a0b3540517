// The README's code that is not the guide's, compiled against the one include and nothing else: a type the
// README shows that <candar/candar.hpp> lacks fails this build. guide_test checks that every ```cpp block of
// the README is here or in the guide's contest (benchmarker/tinysns/main.cpp, which includes only the same).
#include <candar/candar.hpp>

namespace candar::readme {

using namespace std::chrono_literals;

awaitable<void> load_with_an_adjustor(step& s, worker& users, logs& log) {
// [readme:adjustor]
load_adjustor adjust({.successes_to_raise = 100, .new_errors_allowed = 3, .abort_at_errors = 500}, {&users}, log);
context load = s.context().with_cancel();                // the adjustor may end the load early, not the run
co_await together([&] { return users.process(s, load); },   // side by side, until both end
                  [&] { return adjust.run(load, 10s, s.result().score(), s.result().errors()); });
// [/readme:adjustor]
}

}  // namespace candar::readme
