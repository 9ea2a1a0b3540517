# The libraries candar's library is built on, all from Debian 12 packages (scripts/setup.sh). The installed
# package config (candarConfig.cmake) finds the same ones, so an author's find_package(candar) needs nothing
# else: keep the two lists in step.
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS url)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(BROTLIDEC REQUIRED IMPORTED_TARGET libbrotlidec)
pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)  # gzip bodies in one call, faster than zlib's stream
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2)  # HTTP/2 framing, HPACK and flow control
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)  # the Locust worker's socket (cppzmq's header on top)
# msgpuck (Debian's libmsgpuck-dev) ships a header and a static library, no package config.
find_path(MSGPUCK_INCLUDE_DIR msgpuck.h REQUIRED)
find_library(MSGPUCK_LIBRARY NAMES libmsgpuck.a msgpuck REQUIRED)
if(NOT TARGET MSGPUCK::msgpuck)
  add_library(MSGPUCK::msgpuck STATIC IMPORTED)
  set_target_properties(MSGPUCK::msgpuck PROPERTIES IMPORTED_LOCATION ${MSGPUCK_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${MSGPUCK_INCLUDE_DIR})
endif()
