// Preloaded (node --require) into Azurite and Hardhat when a test fixture starts them: exits the
// process when the .NET process that started it is gone, so a crashed test run leaves nothing
// running. `cityfn dev up` starts them without it, because they must outlive the CLI.
'use strict';
const parentPid = Number(process.env.CITYFN_PARENT_PID);
if (Number.isInteger(parentPid) && parentPid > 0) {
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(0);
    }
  }, 1000);
  timer.unref();
}
