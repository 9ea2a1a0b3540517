// Compiled as the http layer's sources are (tests/CMakeLists.txt): a step belongs to the run layer, above it.
#include "candar/benchmark/step.hpp"
