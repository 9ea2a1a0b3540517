// A fixture of tests/CMakeLists.txt's layers test: a worker header including lower layers only.
#include "candar/context/context.hpp"
#include <candar/failure/error.hpp>
