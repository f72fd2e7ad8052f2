/** Unit parsers shared by the workflow parser, the engine and plugins: durations and quantities. */
export * from './duration.js';
export * from './quantity.js';
