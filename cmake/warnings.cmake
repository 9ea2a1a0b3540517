# Warnings are errors for the project's own targets (not for third-party headers, included as SYSTEM) in the
# project's presets and CI, on the compiler they pin: anyone else building it (`cmake -S . -B build` with
# Debian's g++, or as a subproject) gets the warnings without another compiler's new one stopping the build.
add_library(candar_warnings INTERFACE)
if(CANDAR_WARNINGS_AS_ERRORS)
  target_compile_options(candar_warnings INTERFACE -Werror)
endif()
target_compile_options(candar_warnings INTERFACE
  -Wall -Wextra -Wpedantic
  -Wno-missing-field-initializers  # options are aggregates with defaults, set with designated initializers
  -Wno-mismatched-new-delete  # g++ 12 false positive on Asio coroutine frames (recycling allocator) at -O2
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wconversion -Wsign-conversion -Wformat=2 -Wimplicit-fallthrough)
