#!/usr/bin/env node
// Entry point. Node >= 22.1 can cache compiled code between starts; enable it before loading
// the rest of the server (static imports would load first).
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./main.js');
