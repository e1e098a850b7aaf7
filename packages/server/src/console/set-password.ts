/**
 * @module console/set-password
 * Sets the admin console's operator password: stores its scrypt hash in <dataDir>/console.json
 * (PARLEY_DATA_DIR, default ./data). The password comes from stdin (first line) or a prompt.
 *
 *   npm run console-password -w packages/web            # prompts
 *   echo 'long passphrase' | npm run console-password -w packages/web
 */
import { createInterface } from 'node:readline';
import { configFromEnv } from '../config.ts';
import { writeConsolePassword } from './console-auth.ts';

const MIN = 10;
const rl = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stdout : undefined, terminal: false });
if (process.stdin.isTTY) process.stdout.write(`Console password (at least ${MIN} characters): `);
const line: string = await new Promise((resolve) => {
  rl.once('line', resolve);
  rl.once('close', () => resolve(''));
});
rl.close();
const password = line.replace(/\r$/, '');
if (password.length < MIN) {
  console.error(`the password must be at least ${MIN} characters`);
  process.exit(1);
}
// Under `npm run -w`, the working directory is the package's: resolve ./data from where npm was run.
if (!process.env['PARLEY_DATA_DIR'] && process.env['INIT_CWD']) process.chdir(process.env['INIT_CWD']);
const { dataDir } = configFromEnv();
await writeConsolePassword(dataDir, password);
console.log(`console password set (scrypt hash in ${dataDir}/console.json); sign in at /console/`);
