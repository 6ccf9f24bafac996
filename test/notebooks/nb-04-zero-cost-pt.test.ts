import { notebookTests } from './notebookChecks';

notebookTests('04-zero-cost-pt');
