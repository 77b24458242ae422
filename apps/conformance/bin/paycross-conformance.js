#!/usr/bin/env node
// Committed launcher: the bin exists before the build, so installing never warns "Failed to create bin".
import "../dist/cli.js";
