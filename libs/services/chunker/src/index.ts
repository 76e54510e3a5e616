export * from './chunker';
export * from './ffmpeg-chunker';
