/** The task layer: registry (queries/*.sql), runner and output. Plain TypeScript, no UI. */
export {loadTaskCatalogue, parseTaskFile, defaultQueriesDir} from './catalogue.js';
export {runTask, streamTask, queryTable, fetchInBatches, readOnly} from './run.js';
export {checkValues, courseEvents, explainEmpty, itemUnits, learnerEvents, listCourses, noneCountedNote, noRowsNote, unknownParameter} from './parameters.js';
export {defaultResultDir, formatResult, terminalTable, terminalTableWriter, openResultFile, outProblem, resultWriter, saveResult, textCell, type ResultFile, type ResultWriter} from './output.js';
export type * from './types.js';
