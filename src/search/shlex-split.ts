/**
 * Python's `shlex.split(text)` (POSIX mode, no comments), which MLflow applies to an order_by
 * clause after turning backticks into double quotes: it splits on whitespace and removes quotes,
 * so `` tags.`my tag` DESC `` becomes [`tags.my tag`, `DESC`]. Null where Python raises
 * ValueError (an unclosed quote, a trailing backslash).
 */
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function shlexSplit(text: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
        // Inside double quotes a backslash escapes only `"` and itself; otherwise it stays.
        word += text[i + 1] ?? '';
        i += 1;
      } else if (char === '\\' && i + 1 >= text.length) {
        return null;
      } else word += char;
    } else if (WHITESPACE.has(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (char === '\\') {
      if (i + 1 >= text.length) return null;
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 1;
    } else if (char === '"' || char === "'") {
      quote = char;
      word = word ?? '';
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== null) return null;
  if (word !== null) words.push(word);
  return words;
}
