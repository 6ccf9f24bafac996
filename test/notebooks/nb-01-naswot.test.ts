import { notebookTests } from './notebookChecks';

notebookTests('01-naswot');
