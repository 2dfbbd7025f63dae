/**
 * Only the dialect knows the dialect (docs/ARCHITECTURE.md): outside `core/dialects/`, no file of
 * `core/` and nothing in the conformance suite names a database (`'postgresql'`, `'sqlite'`,
 * `'mysql'`) or compares a dialect's name; they ask the dialect's hooks and feature flags.
 * Adapters and the local servers may name their own dialect. Read with the TypeScript parser, so
 * comments and messages that mention a database by name are not counted.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { libraryFiles } from '../support/import-graph.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const NAMES = new Set(['postgresql', 'sqlite', 'mysql'])
/** An expression reading a dialect's name: `dialect.name`, `this.dialect.name`, `caps.dialect`. */
const NAME_READ = /(\bdialect(\(\))?\.name|\b(caps|capabilities)(\(\))?\.dialect)$/

/** Where `file` names a dialect or compares a dialect's name, as `file:line: text`. */
function dialectNaming(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const report = (node: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
    found.push(`${file}:${line}: ${node.getText(source).slice(0, 80)}`)
  }
  const readsName = (e: ts.Expression) => NAME_READ.test(e.getText(source).replace(/\s+/g, ''))
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && NAMES.has(node.text))
      report(node)
    else if (
      ts.isBinaryExpression(node) &&
      [
        ts.SyntaxKind.EqualsEqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsEqualsToken,
        ts.SyntaxKind.EqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsToken,
      ].includes(node.operatorToken.kind) &&
      (readsName(node.left) || readsName(node.right))
    )
      report(node)
    else if (ts.isSwitchStatement(node) && readsName(node.expression)) report(node.expression)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('only the dialect knows the dialect', () => {
  const files = libraryFiles(root).filter(
    (f) => (f.startsWith('core/') && !f.startsWith('core/dialects/')) || f.startsWith('testing/suite/'),
  )

  it('reads the files it checks', () => {
    expect(files.length).toBeGreaterThan(100)
  })

  it('no file of core/ outside the dialects, nor the conformance suite, names a database or compares a dialect name', () => {
    expect(files.flatMap(dialectNaming)).toEqual([])
  })
})
