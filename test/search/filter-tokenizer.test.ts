import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/search/filter-tokenizer.js';

/** The significant tokens as `kind:text`. */
const lex = (source: string): string[] =>
  tokenize(source)
    .filter((token) => token.kind !== 'whitespace')
    .map((token) => `${token.kind}:${token.text}`);

describe('tokenize', () => {
  it.each([
    ['1', 'integer'],
    ['-1', 'integer'],
    ['0.5', 'float'],
    ['.5', 'float'],
    ['5.', 'float'],
    ['1e5', 'float'],
    ['1.5e-3', 'float'],
    ['-1.5', 'float'],
  ])('reads %s as a %s number', (text, numberType) => {
    const [token] = tokenize(text);
    expect(token).toMatchObject({ kind: 'number', text, numberType });
  });

  it.each([
    ['1_000', ['name:1_000']],
    ['1e', ['name:1e']],
    ['0x10', ['hex:0x10']],
    ['+1', ['operator:+', 'number:1']],
    ['- 1', ['operator:-', 'number:1']],
  ])('does not read %s as a number', (text, tokens) => {
    expect(lex(text)).toEqual(tokens);
  });

  it('reads a minus after an operand as subtraction', () => {
    expect(lex('metrics.a-1 > -1')).toEqual([
      'name:metrics.a',
      'operator:-',
      'number:1',
      'comparator:>',
      'number:-1',
    ]);
  });

  it('keeps dotted identifiers, quoted parts and the whitespace around dots in one name', () => {
    expect(lex("tags.`my tag` = 'v'")).toEqual(['name:tags.`my tag`', 'comparator:=', "string:'v'"]);
    expect(lex('params."a.b"')).toEqual(['name:params."a.b"']);
    expect(lex('metrics .a')).toEqual(['name:metrics .a']);
    expect(lex('metrics. a')).toEqual(['name:metrics. a']);
    expect(lex('tags.mlflow.runName')).toEqual(['name:tags.mlflow.runName']);
  });

  it('ends a name after a dot that FROM, IN or a quote follows', () => {
    expect(lex('params.from')).toEqual(['name:params.', 'keyword:from']);
    expect(lex("tags.'x'")).toEqual(['name:tags.', "string:'x'"]);
  });

  it('reads comparators as sqlparse does', () => {
    expect(lex('a >>> b')).toEqual(['name:a', 'comparator:>>>', 'name:b']);
    expect(lex('a NOT  like b')).toEqual(['name:a', 'comparator:NOT  like', 'name:b']);
    expect(lex('a ilike b')).toEqual(['name:a', 'comparator:ilike', 'name:b']);
    expect(lex('a not in (b)')).toEqual([
      'name:a',
      'keyword:not',
      'keyword:in',
      'lparen:(',
      'name:b',
      'rparen:)',
    ]);
  });

  it('keeps quotes and escapes of strings as written', () => {
    expect(lex("'it''s' 'a\\'b' 'c\\\\'")).toEqual(["string:'it''s'", "string:'a\\'b'", "string:'c\\\\'"]);
  });

  it('reads keywords in any case, and NOT NULL as one', () => {
    const tokens = tokenize('x Is NoT nUlL or y').filter((token) => token.kind === 'keyword');
    expect(tokens.map((token) => token.keyword)).toEqual(['IS', 'NOT NULL', 'OR']);
  });

  it('makes comments and unknown characters tokens of their own', () => {
    expect(lex("a -- c\n/* d */ $ 'open")).toEqual([
      'name:a',
      'comment:-- c\n',
      'comment:/* d */',
      'error:$',
      "error:'",
      'name:open',
    ]);
  });
});
