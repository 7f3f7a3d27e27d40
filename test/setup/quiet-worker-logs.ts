import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes at INFO would bury test output; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier test file in this process.
}
