import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The shape of the code base (docs/architecture.md): one handler pattern for every function, the environment read
 * only where a function is wired, and imports that follow the folder map.
 */
const ROOT = resolve(import.meta.dirname, '..');
const HANDLERS = join(ROOT, 'lambdas', 'handlers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const parse = (file: string) =>
  ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
const rel = (file: string) => relative(ROOT, file).split(sep).join('/');

/** `foo-bar` → `FooBar`. */
const pascal = (name: string) =>
  name
    .split('-')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

const handlerNames = readdirSync(HANDLERS)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -3))
  .sort();

/** Every `process.env` in `file`, with the name of the function declaration it is in (if any). */
function processEnvReads(file: string): { line: number; inFunction: string | undefined }[] {
  const source = parse(file);
  const found: { line: number; inFunction: string | undefined }[] = [];
  const visit = (node: ts.Node, inFunction: string | undefined) => {
    const name = ts.isFunctionDeclaration(node) ? node.name?.text : inFunction;
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'env' &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'process'
    ) {
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, inFunction: name });
    }
    ts.forEachChild(node, (child) => visit(child, name));
  };
  visit(source, undefined);
  return found;
}

/** The relative module specifiers `file` imports or re-exports, resolved to repository paths. */
function importsOf(file: string): string[] {
  const source = parse(file);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.')
    ) {
      specifiers.push(rel(resolve(join(file, '..'), statement.moduleSpecifier.text)));
    }
  }
  return specifiers;
}

describe('Architecture', () => {
  it('has the seven functions of the product in lambdas/handlers', () => {
    // Assess
    expect(handlerNames).toEqual([
      'api',
      'carbon-fetcher',
      'dispatch-outcome-recorder',
      'dispatcher',
      'rightsizer',
      'scheduler',
      'worker',
    ]);
  });

  it.each(handlerNames)(
    '%s follows the handler pattern: handler, createXHandler, xWiringFromEnvironment',
    async (name) => {
      // Act
      const module = (await import(join(HANDLERS, `${name}.ts`))) as Record<string, unknown>;
      const x = pascal(name);
      const wiringName = `${x[0]!.toLowerCase()}${x.slice(1)}WiringFromEnvironment`;

      // Assess
      expect(typeof module.handler, 'handler').toBe('function');
      expect(typeof module[`create${x}Handler`], `create${x}Handler`).toBe('function');
      expect(typeof module[wiringName], wiringName).toBe('function');
      expect(typeof module[`parse${x}Event`], `parse${x}Event`).toBe('function');
      // The handler is built from the wiring function, lazily: importing the module reads nothing
      const text = readFileSync(join(HANDLERS, `${name}.ts`), 'utf8');
      expect(text).toContain(`export const handler = create${x}Handler(`);
      expect(text).toMatch(new RegExp(`oncePerContainer\\(\\(\\) => ${wiringName}\\(\\)\\)`));
    },
  );

  it('reads process.env only in the xWiringFromEnvironment function of a handler', () => {
    // Act
    const reads = sourceFiles(join(ROOT, 'lambdas')).flatMap((file) =>
      processEnvReads(file).map((read) => ({ file: rel(file), ...read })),
    );

    // Assess
    const misplaced = reads.filter(
      (read) =>
        !/^lambdas\/handlers\/[a-z-]+\.ts$/.test(read.file) || !read.inFunction?.endsWith('WiringFromEnvironment'),
    );
    expect(misplaced).toEqual([]);
    expect(new Set(reads.map((read) => read.file)).size).toBe(handlerNames.length);
  });

  it('keeps the core free of SDK, adapters, handlers and the CDK app', () => {
    // Act
    const offending = sourceFiles(join(ROOT, 'lambdas', 'core')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const sdk = /from '(@aws-sdk\/[^']+|aws-cdk-lib[^']*|@aws-lambda-powertools\/[^']+)'/.exec(text)?.[1];
      const upward = importsOf(file).filter((target) => !/^lambdas\/(core|contract)(\/|$)/.test(target));
      return [...(sdk ? [`${rel(file)} → ${sdk}`] : []), ...upward.map((target) => `${rel(file)} → ${target}`)];
    });

    // Assess
    expect(offending).toEqual([]);
  });

  it('keeps the contract free of imports but its own', () => {
    // Act
    const offending = sourceFiles(join(ROOT, 'lambdas', 'contract')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const external = /^import .* from '([^.][^']*)'/m.exec(text)?.[1];
      const outside = importsOf(file).filter((target) => !target.startsWith('lambdas/contract'));
      return [...(external ? [external] : []), ...outside].map((target) => `${rel(file)} → ${target}`);
    });

    // Assess
    expect(offending).toEqual([]);
  });

  it('lets adapters import the core and the contract, never a handler or the CDK app', () => {
    // Act
    const offending = sourceFiles(join(ROOT, 'lambdas', 'adapters')).flatMap((file) =>
      importsOf(file)
        .filter((target) => !/^lambdas\/(core|contract|adapters)(\/|$)/.test(target))
        .map((target) => `${rel(file)} → ${target}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });

  it('lets lib/ and bin/ import only the contract and the configuration schema from lambdas/', () => {
    // Act
    const offending = [...sourceFiles(join(ROOT, 'lib')), ...sourceFiles(join(ROOT, 'bin'))].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('lambdas/'))
        .filter((target) => !/^lambdas\/(contract|core\/config\/(schema|resolve))$/.test(target))
        .map((target) => `${rel(file)} → ${target}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });

  it('never imports lib/ into lambdas/', () => {
    // Act
    const offending = sourceFiles(join(ROOT, 'lambdas')).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('lib/') || target.startsWith('cli/') || target.startsWith('bin/'))
        .map((target) => `${rel(file)} → ${target}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });
});
