/**
 * The service's entry point (dist/main.js): the process as lifecycle.ts runs it, loading the data
 * file at start. The production image and `npm start` start the startup snapshot instead
 * (snapshot/entry.ts), which runs the same lifecycle on the dataset it was built with.
 */
// First: on an unsupported Node it stops the process before any other module runs.
import './node-version.js';
import { runService } from './lifecycle.js';

await runService(process.env);
