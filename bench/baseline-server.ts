/** The baseline of the GET benchmark: a bare Express route answering a fixed JSON body from memory. */
import fs from 'node:fs';
import express from 'express';

const body = fs.readFileSync(process.env.BASELINE_BODY_FILE!, 'utf8');
const app = express();
app.get('/order', (_req, res) => {
  res.type('application/json').send(body);
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
