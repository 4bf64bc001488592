#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import {main} from '../dist/source/cli.js';

process.exitCode = await main(process.argv.slice(2));
