#include "analyzer/chain_options.h"

namespace sockfilter {

void AddChainArgs(po::options_description* options, ChainArgs* raw) {
  FilterOptions& f = raw->filter;
  options->add_options()(
      "window", po::value(&f.window_seconds)->default_value(300)->value_name("SECONDS"),
      "per signature, a window of SECONDS in which only the first --keep events pass")(
      "keep", po::value(&f.keep)->default_value(1)->value_name("N"),
      "events of a signature passed whole per window")(
      "marker-interval",
      po::value(&f.marker_interval_seconds)->default_value(60)->value_name("SECONDS"),
      "during a long flood, write a marker every SECONDS")(
      "dedupe", po::value(&raw->dedupe)->default_value("socket")->value_name("WHAT"),
      "what is collapsed: socket (socket errors), all (also any repeated multi-line "
      "event), none")("signature",
                      po::value(&raw->signature)->default_value("normalized")->value_name("HOW"),
                      "normalized (variable parts masked) or raw (text compared as is)")(
      "max-signatures", po::value(&f.max_signatures)->default_value(100000)->value_name("N"),
      "signatures kept at most; the least recently seen is evicted (marker first)")(
      "stats", po::bool_switch(&raw->stats),
      "at exit, write one JSON line of counts to standard error");
}

Status ResolveChainArgs(ChainArgs* raw) {
  if (!ParseDedupeMode(raw->dedupe, &raw->filter.dedupe))
    return Status::Error("--dedupe: expected socket, all or none, not '" + raw->dedupe + "'");
  if (!ParseSignatureMode(raw->signature, &raw->filter.signature)) {
    return Status::Error("--signature: expected normalized or raw, not '" + raw->signature + "'");
  }
  return Status::Ok();
}

}  // namespace sockfilter
