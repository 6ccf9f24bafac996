export * from './scorePool';
export * from './randomN';
export * from './evolution';
export * from './nb201Problem';
export * from './table2a';
export * from './scoreSearch';
export * from './spaceComparison';
export * as zcpt from './zcpt';
