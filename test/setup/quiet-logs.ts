import { DefaultLogger, Runtime } from '@temporalio/worker';

// Test producers use kafkajs's default partitioner on purpose; its v2 migration notice is noise here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Worker state changes at INFO would bury test output; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier test file in this process.
}
