// The benchmark's TLS sink: an SMTP server (smtp-server) that offers STARTTLS with the certificate
// it is given and discards what it receives, printing `mesg=<count>` after each message as
// Postfix's smtp-sink does (which cannot do TLS), so Sink counts deliveries the same way.
// Run as its own process: `node tls-sink.js <port> <cert file> <key file>`.
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { setGreetingDelay } from '../src/platform/smtp-server-seam.js';

const [port, certFile, keyFile] = process.argv.slice(2);
let count = 0;
const server = new SMTPServer({
  disabledCommands: ['AUTH'],
  hideENHANCEDSTATUSCODES: true,
  cert: readFileSync(certFile),
  key: readFileSync(keyFile),
  size: 100 * 1024 * 1024,
  logger: false,
  onData(stream, _session, cb) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      count++;
      process.stdout.write(`mesg=${count}\n`);
      cb(null, 'Ok');
    });
  },
});
// As the appliance's listener: the banner at once (smtp-server holds it 100 ms by default).
setGreetingDelay(server, 0);
server.on('error', (e) => process.stderr.write(`tls-sink: ${e.message}\n`));
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
