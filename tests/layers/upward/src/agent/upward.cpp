// A fixture of tests/CMakeLists.txt's layers test: the agent including a header of the benchmark, a layer above.
#include "candar/agent/agent.hpp"
#include "candar/benchmark/step.hpp"
