import { notebookTests } from './notebookChecks';

notebookTests('02-das');
