# Warnings are errors for the project's own targets (not for third-party headers, included as SYSTEM), when
# candar is the top-level project: as an author's subproject, another compiler's new warning must not stop
# the author's build.
add_library(candar_warnings INTERFACE)
if(PROJECT_IS_TOP_LEVEL)
  target_compile_options(candar_warnings INTERFACE -Werror)
endif()
target_compile_options(candar_warnings INTERFACE
  -Wall -Wextra -Wpedantic
  -Wno-missing-field-initializers  # options are aggregates with defaults, set with designated initializers
  -Wno-mismatched-new-delete  # g++ 12 false positive on Asio coroutine frames (recycling allocator) at -O2
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wconversion -Wsign-conversion -Wformat=2 -Wimplicit-fallthrough)
