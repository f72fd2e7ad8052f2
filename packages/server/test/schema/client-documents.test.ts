/**
 * Every GraphQL document the dashboard (`web/src`) and the CLI (`packages/cli/src`) send is valid
 * against the committed API contract, `schema.graphql`: a schema change that breaks a client, or a
 * client document with a typo, fails here instead of at run time.
 *
 * The clients write their documents as template literals (`const RUN = \`query(...) {...}\``),
 * often built from shared field lists (`${RUN_FIELDS}`). The documents are found with the
 * TypeScript parser (every string or template whose text starts with `query`, `mutation`,
 * `subscription` or `fragment`), and substitutions are expanded from the package's `const`
 * declarations. graphql's own `parse` and `validate` (all specified rules) then judge them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const SCHEMA = join(ROOT, 'packages/server/schema.graphql');
const CLIENTS = { dashboard: join(ROOT, 'web/src'), cli: join(ROOT, 'packages/cli/src') };
/** The start of a document: `query Name(...) {`, `mutation {`, `fragment F on T` (not prose). */
const OPERATION = /^\s*(?:(?:query|mutation|subscription)\b\s*\w*\s*[({]|fragment\s+\w+\s+on\b)/;

interface Found {
  readonly where: string;
  readonly text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The script of a .vue file (its `<script>` blocks), or the file itself. */
function scriptOf(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.vue')) return text;
  return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Every document of one client, with `${NAME}` substitutions expanded. */
function documentsOf(dir: string): Found[] {
  const consts = new Map<string, ts.Expression>();
  const candidates: { where: string; node: ts.TemplateLiteral | ts.StringLiteral }[] = [];
  for (const path of sourceFiles(dir)) {
    const file = ts.createSourceFile(path, scriptOf(path), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
        consts.set(node.name.text, node.initializer);
      if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) {
        if (OPERATION.test(node.text)) candidates.push({ where: whereOf(file, node), node });
      } else if (ts.isTemplateExpression(node) && OPERATION.test(node.head.text)) {
        candidates.push({ where: whereOf(file, node), node });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const expand = (node: ts.Expression, depth = 0): string => {
    if (depth > 20) throw new Error('substitutions nest too deep');
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) {
      return (
        node.head.text +
        node.templateSpans
          .map((span) => expand(span.expression, depth + 1) + span.literal.text)
          .join('')
      );
    }
    if (ts.isIdentifier(node)) {
      const value = consts.get(node.text);
      if (value === undefined)
        throw new Error(`cannot expand \${${node.text}}: no const of that name`);
      return expand(value, depth + 1);
    }
    throw new Error(`cannot expand a ${ts.SyntaxKind[node.kind]} inside a document`);
  };
  return candidates.map(({ where, node }) => ({ where, text: expand(node) }));
}

function whereOf(file: ts.SourceFile, node: ts.Node): string {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${relative(ROOT, file.fileName)}:${line + 1}`;
}

function problemsOf(schema: GraphQLSchema, document: Found): string[] {
  try {
    return validate(schema, parse(document.text)).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

describe('client GraphQL documents against schema.graphql', () => {
  const schema = buildSchema(readFileSync(SCHEMA, 'utf8'));

  for (const [client, dir] of Object.entries(CLIENTS)) {
    it(`every document of the ${client} is valid`, () => {
      const documents = documentsOf(dir);
      // The scan found the documents (a refactor that hides them must not pass silently).
      expect(documents.length).toBeGreaterThan(client === 'cli' ? 8 : 15);
      const problems = documents.flatMap((d) =>
        problemsOf(schema, d).map((p) => `${d.where}: ${p}`),
      );
      expect(problems).toEqual([]);
    });
  }

  it('catches a document the schema does not allow (the check is not vacuous)', () => {
    const bad = { where: 'x', text: 'query { runs(first: 1) { nodes { noSuchField } } }' };
    expect(problemsOf(schema, bad)).toEqual(['Cannot query field "noSuchField" on type "Run".']);
  });
});
