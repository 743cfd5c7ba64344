#include "analyzer/host/netstat_sentences.h"

namespace sockfilter {

namespace {

struct Sentence {
  std::string_view section;
  std::string_view text;
  std::string_view counter;
};

// From net-tools' statistics.c, older spellings included: netstat -s output from older
// hosts keeps its typos ("segments send out", "SYNs to LISTEN sockets ignored").
constexpr Sentence kSentences[] = {
    {"Tcp", "%u active connection openings", "ActiveOpens"},
    {"Tcp", "%u active connections openings", "ActiveOpens"},
    {"Tcp", "%u active opens", "ActiveOpens"},
    {"Tcp", "%u passive connection openings", "PassiveOpens"},
    {"Tcp", "%u passive opens", "PassiveOpens"},
    {"Tcp", "%u failed connection attempts", "AttemptFails"},
    {"Tcp", "%u connection resets received", "EstabResets"},
    {"Tcp", "%u connections established", "CurrEstab"},
    {"Tcp", "%u segments received", "InSegs"},
    {"Tcp", "%u segments sent out", "OutSegs"},
    {"Tcp", "%u segments send out", "OutSegs"},
    {"Tcp", "%u segments retransmitted", "RetransSegs"},
    {"Tcp", "%u segments retransmited", "RetransSegs"},
    {"Tcp", "%u bad segments received", "InErrs"},
    {"Tcp", "%u bad segments received.", "InErrs"},
    {"Tcp", "%u resets sent", "OutRsts"},
    {"TcpExt", "%u times the listen queue of a socket overflowed", "ListenOverflows"},
    {"TcpExt", "%u SYNs to LISTEN sockets dropped", "ListenDrops"},
    {"TcpExt", "%u SYNs to LISTEN sockets ignored", "ListenDrops"},
    {"TcpExt", "%u SYN cookies sent", "SyncookiesSent"},
    {"TcpExt", "%u SYN cookies received", "SyncookiesRecv"},
    {"TcpExt", "%u invalid SYN cookies received", "SyncookiesFailed"},
    {"TcpExt", "%u resets received for embryonic SYN_RECV sockets", "EmbryonicRsts"},
    {"TcpExt", "%u connections reset due to unexpected data", "TCPAbortOnData"},
    {"TcpExt", "%u connections reset due to early user close", "TCPAbortOnClose"},
    {"TcpExt", "%u connections aborted due to memory pressure", "TCPAbortOnMemory"},
    {"TcpExt", "%u connections aborted due to timeout", "TCPAbortOnTimeout"},
    {"TcpExt", "%u connections aborted after user close in linger timeout", "TCPAbortOnLinger"},
    {"TcpExt", "%u times unable to send RST due to no memory", "TCPAbortFailed"},
    {"TcpExt", "%u connections reset due to unexpected SYN", "TCPAbortOnSyn"},
    {"TcpExt", "%u other TCP timeouts", "TCPTimeouts"},
    {"TcpExt", "%u TCP sockets finished time wait in fast timer", "TW"},
    {"TcpExt", "%u delayed acks sent", "DelayedACKs"},
    {"TcpExt", "%u delayed acks further delayed because of locked socket", "DelayedACKLocked"},
    {"TcpExt", "Quick ack mode was activated %u times", "DelayedACKLost"},
    {"TcpExt", "%u packet headers predicted", "TCPHPHits"},
    {"TcpExt", "%u acknowledgments not containing data payload received", "TCPPureAcks"},
    {"TcpExt", "%u predicted acknowledgments", "TCPHPAcks"},
    {"TcpExt", "%u fast retransmits", "TCPFastRetrans"},
    {"TcpExt", "%u retransmits in slow start", "TCPSlowStartRetrans"},
    {"TcpExt", "%u packets pruned from receive queue because of socket buffer overrun",
     "PruneCalled"},
    {"TcpExt", "%u packets collapsed in receive queue due to low socket buffer", "TCPRcvCollapsed"},
    {"TcpExt", "%u DSACKs sent for old packets", "TCPDSACKOldSent"},
    {"TcpExt", "%u DSACKs received", "TCPDSACKRecv"},
    {"TcpExt", "TCP ran low on memory %u times", "TCPMemoryPressures"},
};

}  // namespace

std::optional<std::string> CounterForSentence(std::string_view section,
                                              std::string_view sentence_template) {
  for (const Sentence& s : kSentences) {
    if (s.section == section && s.text == sentence_template) {
      return std::string(s.section) + std::string(s.counter);
    }
  }
  return std::nullopt;
}

}  // namespace sockfilter
