# Host evidence: kernel counters, settings, sockets (sock_diag), descriptors, findings,
# printers, and the parsers for saved captures. Part of the core library.
target_sources(sockfilter_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/capture_text_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/capture_time.cc
  ${CMAKE_CURRENT_LIST_DIR}/captures.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_findings.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_json_printer.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/host_text_printer.cc
  ${CMAKE_CURRENT_LIST_DIR}/kernel_counters.cc
  ${CMAKE_CURRENT_LIST_DIR}/netstat_sentences.cc
  ${CMAKE_CURRENT_LIST_DIR}/probe.cc
  ${CMAKE_CURRENT_LIST_DIR}/probe_json_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/proc_files.cc
  ${CMAKE_CURRENT_LIST_DIR}/process_fds.cc
  ${CMAKE_CURRENT_LIST_DIR}/sock_diag.cc
  ${CMAKE_CURRENT_LIST_DIR}/sysctl_settings.cc
)
