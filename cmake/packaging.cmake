# The Debian package of fpgaas (`cmake --build build --target fpgaas-deb`, or `cpack -G DEB` in
# build/): fpgaasd, the fpgaas CLI, fpgaas-perf, the systemd unit and its card drop-in, the
# flags file, the deployment guide and the example model repository, installed under /usr.
# deploy/ansible/roles/fpgaasd installs this package on a VM (the INFN Cloud catalogue entry).
#
# Layout (relative to the install prefix, so `cmake --install build --prefix P` puts the same
# files under P; systemd reads units from both /usr/lib/systemd/system and
# /usr/local/lib/systemd/system):
#   bin/fpgaasd, bin/fpgaas, bin/fpgaas-perf
#   lib/systemd/system/fpgaasd.service     the unit, ExecStart and Documentation= under the prefix
#   share/fpgaas/systemd/fpga-card.conf    drop-in for hosts with cards (the role installs it)
#   share/fpgaas/systemd/fpgaasd.default   template of /etc/default/fpgaasd (postinst copies it
#                                          there when absent; a conffile outside the prefix would
#                                          escape `cmake --install --prefix`)
#   share/fpgaas/models                    the example model repository (deploy/models)
#   share/doc/fpgaas/deployment.md         (top-level CMakeLists.txt)
include(GNUInstallDirs)

# The unit names /usr/local (deploy/systemd/README.md's manual install); the installed copy names
# the prefix it is installed under, decided at install time (cpack installs with /usr).
install(CODE "
  file(READ \"${PROJECT_SOURCE_DIR}/deploy/systemd/fpgaasd.service\" _unit)
  string(REPLACE \"/usr/local/\" \"\${CMAKE_INSTALL_PREFIX}/\" _unit \"\${_unit}\")
  file(WRITE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/fpgaasd.service\" \"\${_unit}\")
  message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/fpgaasd.service\")
" COMPONENT service)
install(FILES deploy/systemd/fpga-card.conf deploy/systemd/fpgaasd.default
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fpgaas/systemd COMPONENT service)
install(DIRECTORY deploy/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/fpgaas/models
        COMPONENT models PATTERN make_models.py EXCLUDE)

# The package's tree is staged by target fpgaas-deb (`cmake --install` of the components below
# with DESTDIR), then cpack packs that tree: cpack's own install step would first build `all`
# (every test and benchmark) through its preinstall target.
set(FPGAAS_DEB_COMPONENTS Unspecified tools service doc models)  # not the client library/headers
set(FPGAAS_DEB_STAGE ${PROJECT_BINARY_DIR}/deb-root)
set(CPACK_GENERATOR DEB)
set(CPACK_INSTALL_CMAKE_PROJECTS "")
set(CPACK_INSTALLED_DIRECTORIES ${FPGAAS_DEB_STAGE} .)
set(CPACK_PACKAGING_INSTALL_PREFIX /)
set(CPACK_PACKAGE_NAME fpgaas)
set(CPACK_PACKAGE_VENDOR "fpgaas")
set(CPACK_PACKAGE_CONTACT "fpgaas maintainers <fpgaas@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "FPGA-as-a-Service inference server (KServe v2 gRPC, hls4ml models)")
set(CPACK_PACKAGE_DESCRIPTION
    "fpgaasd serves hls4ml models over the KServe v2 gRPC protocol on Xilinx cards\nthrough XRT or on a bit-exact emulated FPGA, with the fpgaas command line and\nthe fpgaas-perf load generator.")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
find_program(FPGAAS_DPKG dpkg REQUIRED)
execute_process(COMMAND ${FPGAAS_DPKG} --print-architecture OUTPUT_VARIABLE CPACK_DEBIAN_PACKAGE_ARCHITECTURE
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the binaries' libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

# Builds what the package holds, stages it, packs build/packages/fpgaas_<version>_<arch>.deb.
set(_stage_commands)
foreach(component ${FPGAAS_DEB_COMPONENTS})
  list(APPEND _stage_commands COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${FPGAAS_DEB_STAGE}
       ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix /usr --strip
       --component ${component})
endforeach()
add_custom_target(fpgaas-deb
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${FPGAAS_DEB_STAGE}
  ${_stage_commands}
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB --config ${PROJECT_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  COMMENT "Debian package into ${PROJECT_BINARY_DIR}/packages"
  VERBATIM)
add_dependencies(fpgaas-deb fpgaasd fpgaas fpgaas-perf)
# The package the target makes (tests/deploy/catalogue installs it).
set(FPGAAS_DEB_FILE
    ${CPACK_PACKAGE_DIRECTORY}/${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_${CPACK_DEBIAN_PACKAGE_ARCHITECTURE}.deb)
