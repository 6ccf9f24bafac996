/** Plotly figure builders, HTML tables and notebook display helpers. */
export * from './plotly';
export * from './table';
export * from './display';
export * from './cellDiagram';
