# Installs the client package into PREFIX, builds client/examples against it (find_package),
# and runs the examples: against SERVER when given, else against an unreachable address (they
# must start, link, and fail cleanly with UNAVAILABLE).
# Inputs: BUILD_DIR, PREFIX, EXAMPLES_SOURCE, EXAMPLES_BUILD, [SERVER], [EXAMPLES_CXX_FLAGS]
file(REMOVE_RECURSE ${PREFIX} ${EXAMPLES_BUILD})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --component client --prefix ${PREFIX}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f include/fpgaas/client.h)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "installed package lacks ${f}")
  endif()
endforeach()
file(GLOB_RECURSE _pb_headers ${PREFIX}/*.pb.h)
if(_pb_headers)
  message(FATAL_ERROR "generated protobuf headers were installed: ${_pb_headers}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${EXAMPLES_SOURCE} -B ${EXAMPLES_BUILD}
                        -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release
                        "-DCMAKE_CXX_FLAGS=${EXAMPLES_CXX_FLAGS}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the examples against the installed package failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${EXAMPLES_BUILD} -j2 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the examples failed (${rc})")
endif()
if(SERVER)
  foreach(example first_inference async_inference)
    execute_process(COMMAND ${EXAMPLES_BUILD}/${example} ${SERVER} muon_pt
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${example} against ${SERVER} failed (${rc}): ${out}${err}")
    endif()
    message(STATUS "${example}: ${out}")
  endforeach()
else()
  execute_process(COMMAND ${EXAMPLES_BUILD}/first_inference 127.0.0.1:1 muon_pt
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "UNAVAILABLE")
    message(FATAL_ERROR "first_inference against no server: exit ${rc}, stderr: ${err}")
  endif()
  message(STATUS "first_inference ran and reported: ${err}")
endif()
