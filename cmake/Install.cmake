# What `cmake --install` (and `make install PREFIX=...`) puts in place:
#   bin/duckpart                                   the command (RPATH $ORIGIN/../lib)
#   lib/libduckpart.a, lib/libduckdb.so            the library and the DuckDB it is built on
#   include/duckpart/*.h, include/duckdb.h         the public headers
#   lib/cmake/duckpart/duckpartConfig.cmake        find_package(duckpart): target duckpart::duckpart
#   lib/pkgconfig/duckpart.pc                      pkg-config --cflags --libs duckpart
#   share/man/man1/duckpart.1                      from --help, by help2man (when installed)
#   share/bash-completion/completions/duckpart     bash completion
include(CMakePackageConfigHelpers)

set_target_properties(duckpart_lib PROPERTIES OUTPUT_NAME duckpart EXPORT_NAME duckpart)
get_target_property(DUCKPART_DUCKDB_INCLUDE DuckDB::duckdb INTERFACE_INCLUDE_DIRECTORIES)

install(TARGETS duckpart RUNTIME DESTINATION bin)
install(TARGETS duckpart_lib EXPORT duckpartTargets ARCHIVE DESTINATION lib INCLUDES DESTINATION include)
install(FILES "${DUCKPART_DUCKDB_LIBDIR}/libduckdb.so" DESTINATION lib)
install(DIRECTORY include/duckpart DESTINATION include)
install(FILES "${PROJECT_BINARY_DIR}/generated/duckpart/version.h" DESTINATION include/duckpart)
install(FILES "${DUCKPART_DUCKDB_INCLUDE}/duckdb.h" DESTINATION include)

install(EXPORT duckpartTargets NAMESPACE duckpart:: DESTINATION lib/cmake/duckpart)
configure_package_config_file(cmake/duckpartConfig.cmake.in "${PROJECT_BINARY_DIR}/duckpartConfig.cmake"
                              INSTALL_DESTINATION lib/cmake/duckpart)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/duckpartConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/duckpartConfig.cmake" "${PROJECT_BINARY_DIR}/duckpartConfigVersion.cmake"
        DESTINATION lib/cmake/duckpart)

configure_file(cmake/duckpart.pc.in "${PROJECT_BINARY_DIR}/duckpart.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/duckpart.pc" DESTINATION lib/pkgconfig)

install(FILES scripts/duckpart-completion.bash DESTINATION share/bash-completion/completions RENAME duckpart)

# The man page is made from the binary's own --help (every command's), so it cannot drift.
find_program(DUCKPART_HELP2MAN help2man)
if(DUCKPART_HELP2MAN)
  add_custom_command(OUTPUT "${PROJECT_BINARY_DIR}/duckpart.1"
                     COMMAND "${PROJECT_SOURCE_DIR}/scripts/make-manpage.sh" "$<TARGET_FILE:duckpart>"
                             "${PROJECT_BINARY_DIR}/duckpart.1"
                     DEPENDS duckpart "${PROJECT_SOURCE_DIR}/scripts/make-manpage.sh"
                     COMMENT "Making the man page duckpart.1 with help2man")
  add_custom_target(duckpart_man ALL DEPENDS "${PROJECT_BINARY_DIR}/duckpart.1")
  install(FILES "${PROJECT_BINARY_DIR}/duckpart.1" DESTINATION share/man/man1 OPTIONAL)
else()
  message(STATUS "help2man not found: no man page (scripts/install-deps.sh installs it)")
endif()

# A test: install into a temporary prefix, then build and run a small program against it
# through find_package(duckpart), and check the pkg-config file.
if(DUCKPART_BUILD_TESTS)
  add_test(NAME Install.FindPackageBuildsAndRunsAProgram
           COMMAND "${CMAKE_COMMAND}" -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${PROJECT_BINARY_DIR}/install-test -P ${PROJECT_SOURCE_DIR}/tests/install/run.cmake)
  set_tests_properties(Install.FindPackageBuildsAndRunsAProgram PROPERTIES TIMEOUT 300)
endif()
