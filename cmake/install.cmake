# `cmake --install` puts the headers, the library, the candar command and the package config under the
# prefix; an author's project then says find_package(candar 0.2 CONFIG REQUIRED) and links candar::candar
# (candar::json, the JSON comparisons alone; candar::locust with COMPONENTS locust).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CANDAR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/candar)

install(TARGETS candar_framework candar_json EXPORT candar-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# The Locust worker is a component of its own (find_package(candar COMPONENTS locust)): a contest that does not
# ask for it needs neither ZeroMQ nor msgpuck.
install(TARGETS candar_locust EXPORT candar-locust-targets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY framework/include/candar ${PROJECT_BINARY_DIR}/generated/candar
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
if(CANDAR_BUILD_CLI)
  install(TARGETS candar RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The guide, with the sample it quotes where its links expect it.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY benchmarker/tinysns DESTINATION ${CMAKE_INSTALL_DOCDIR}/benchmarker)

install(EXPORT candar-targets NAMESPACE candar:: FILE candarTargets.cmake DESTINATION ${CANDAR_CMAKE_DIR})
install(EXPORT candar-locust-targets NAMESPACE candar:: FILE candarLocustTargets.cmake DESTINATION ${CANDAR_CMAKE_DIR})
configure_package_config_file(cmake/candarConfig.cmake.in ${PROJECT_BINARY_DIR}/candarConfig.cmake
  INSTALL_DESTINATION ${CANDAR_CMAKE_DIR})
# 0.x: a new minor version may change the API (docs/using-candar.md, "What is stable"), so only the same minor
# matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/candarConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/candarConfig.cmake ${PROJECT_BINARY_DIR}/candarConfigVersion.cmake
  cmake/candarHelpers.cmake DESTINATION ${CANDAR_CMAKE_DIR})
