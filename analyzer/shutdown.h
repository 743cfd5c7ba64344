// Shutdown requests from SIGINT, SIGTERM and SIGHUP.
//
// InstallShutdownHandlers() installs handlers without SA_RESTART, so a blocking read
// returns EINTR; the read loop then sees ShutdownRequested() and ends the input as if it
// had reached its end, and every stage still runs Finish() (markers are written).
#pragma once

namespace sockfilter {

void InstallShutdownHandlers();
bool ShutdownRequested();
// The signal that asked for shutdown, or 0.
int ShutdownSignal();

}  // namespace sockfilter
