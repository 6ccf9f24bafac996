import { notebookTests } from './notebookChecks';

notebookTests('03-fusion-indicator');
