// A pty's cooked mode, for the SSH line mode (TERM=dumb): the appliance has no kernel pty, so
// this does what the terminal driver would — echo, Backspace, Ctrl-U, Enter (CR, LF or CRLF),
// Ctrl-C, Ctrl-D on an empty line — and hands whole lines on. No escape sequences out. Pure.

export type LineEvent = { type: 'echo'; text: string } | { type: 'line'; text: string } | { type: 'interrupt' } | { type: 'eof' };

export class LineDiscipline {
  /**
   * Echo off (a passphrase is being asked): typed characters and their erasure are not shown;
   * Enter still ends the line on the screen, as a password prompt does.
   */
  hidden = false;
  #line = '';
  /** Inside an escape sequence (arrow keys and the like): dropped, a dumb terminal has none. */
  #escape: '' | 'esc' | 'csi' = '';

  feed(chunk: string): LineEvent[] {
    const out: LineEvent[] = [];
    const echo = (text: string) => {
      const last = out.at(-1);
      if (last?.type === 'echo') last.text += text;
      else out.push({ type: 'echo', text });
    };
    /** The echo of what is typed and erased: none while hidden. */
    const echoTyped = (text: string) => {
      if (!this.hidden) echo(text);
    };
    // CRLF is one Enter only within one chunk (a client that ends lines so): a CR and an LF
    // sent apart are two Enters, as on a terminal.
    let afterCr = false;
    for (const ch of chunk) {
      const wasCr = afterCr;
      afterCr = false;
      if (this.#escape === 'esc') {
        this.#escape = ch === '[' || ch === 'O' ? 'csi' : '';
        continue;
      }
      if (this.#escape === 'csi') {
        if (ch >= '@' && ch <= '~') this.#escape = '';
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (ch === '\n' && wasCr) continue;
        afterCr = ch === '\r';
        echo('\r\n');
        out.push({ type: 'line', text: this.#line });
        this.#line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.#line.length === 0) continue;
        this.#line = [...this.#line].slice(0, -1).join('');
        echoTyped('\b \b');
      } else if (ch === '\x15') {
        echoTyped('\b \b'.repeat([...this.#line].length));
        this.#line = '';
      } else if (ch === '\x03') {
        echo('^C\r\n');
        this.#line = '';
        out.push({ type: 'interrupt' });
      } else if (ch === '\x04') {
        if (this.#line === '') out.push({ type: 'eof' });
      } else if (ch === '\x1b') {
        this.#escape = 'esc';
      } else if (ch >= ' ' || ch === '\t') {
        this.#line += ch;
        echoTyped(ch);
      }
    }
    return out;
  }
}
