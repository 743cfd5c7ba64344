target_sources(sockfilter_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cause_counter.cc
  ${CMAKE_CURRENT_LIST_DIR}/classify_stage.cc
  ${CMAKE_CURRENT_LIST_DIR}/civil_time.cc
  ${CMAKE_CURRENT_LIST_DIR}/compress_sink.cc
  ${CMAKE_CURRENT_LIST_DIR}/event_assembler.cc
  ${CMAKE_CURRENT_LIST_DIR}/fd_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter_chain.cc
  ${CMAKE_CURRENT_LIST_DIR}/gzip_source.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_fields.cc
  ${CMAKE_CURRENT_LIST_DIR}/line_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/open_input.cc
  ${CMAKE_CURRENT_LIST_DIR}/output_sink.cc
  ${CMAKE_CURRENT_LIST_DIR}/pipe_size.cc
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cc
  ${CMAKE_CURRENT_LIST_DIR}/shutdown.cc
  ${CMAKE_CURRENT_LIST_DIR}/timestamp.cc
  ${CMAKE_CURRENT_LIST_DIR}/zstd_source.cc
)

# Front end: option parsing (Boost.Program_options), diagnostics, the subcommands.
target_sources(sockfilter PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/analyze_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/cli.cc
  ${CMAKE_CURRENT_LIST_DIR}/compact_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/diagnostics.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/load_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/probe_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/rules_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/main.cc
)
