export * from './chunker';
