/** A word for a POSIX shell: as it is when safe, else single-quoted (for commands printed to be pasted). */
export const shellWord = (word: string) => (/^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
