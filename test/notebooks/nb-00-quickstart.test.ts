import { notebookTests } from './notebookChecks';

notebookTests('00-quickstart');
