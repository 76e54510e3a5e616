export * from './chunker';
export * from './ffmpeg-chunker';
export * from './define-chunker';
