import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** pdf-parse in a plain Node child: pdf.js loads its worker by a dynamic import, which Jest's VM refuses. */
const SCRIPT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    process.stdout.write((await parser.getText()).text);
  } finally {
    await parser.destroy();
  }
});
`;

/** The text of a PDF, as pdf-parse (pdf.js) reads it; rejects when it cannot be read. */
export function pdfTextOf(pdf: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      cwd: join(__dirname, '../../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`pdf-parse exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(Buffer.from(pdf));
  });
}
