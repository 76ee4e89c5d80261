#!/usr/bin/env node
import { main } from '../dist/cli/index.js';
main(process.argv).then((code) => { process.exitCode = code; });
