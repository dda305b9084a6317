import { ciSuite } from './job.js';

ciSuite('job-a');
