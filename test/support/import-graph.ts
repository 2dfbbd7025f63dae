/**
 * The library's import graph, read from the sources with the TypeScript parser: which file
 * imports which, and whether the import exists at runtime or only for types. The layering test
 * (test/unit/layers.test.ts) and docs/ARCHITECTURE.md's figures are computed from it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** One import edge between two files of the repository (paths relative to the root, `/`-separated). */
export interface ImportEdge {
  readonly from: string
  readonly to: string
  /** False when every use is type-only (`import type`, `export type`, `import('...')` in a type). */
  readonly runtime: boolean
}

/** The root folders whose `.ts` files make up the library. */
export const LIBRARY_ROOTS = ['core', 'adapters', 'integrations', 'testing'] as const

function filesUnder(root: string, dir: string): string[] {
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true })
  } catch {
    return []
  }
  const out: string[] = []
  for (const e of entries) {
    const path = `${dir}/${e.name}`
    if (e.isDirectory()) out.push(...filesUnder(root, path))
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** Every library source file, relative to `root`. */
export function libraryFiles(root: string): string[] {
  return LIBRARY_ROOTS.flatMap((dir) => filesUnder(root, dir)).sort()
}

function resolveSpecifier(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const abs = resolve(root, dirname(from), spec)
  const rel = relative(root, abs).split('\\').join('/')
  return rel.replace(/\.js$/, '.ts')
}

/** The import edges of one file (only those to other files of the repository). */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const edges = new Map<string, boolean>()
  const add = (spec: string, runtime: boolean) => {
    const to = resolveSpecifier(root, file, spec)
    if (to === undefined) return
    edges.set(to, (edges.get(to) ?? false) || runtime)
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      let runtime = true
      if (clause) {
        if (clause.isTypeOnly) runtime = false
        else if (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
          const els = clause.namedBindings.elements
          runtime = els.length === 0 || els.some((e) => !e.isTypeOnly)
        }
      }
      add(node.moduleSpecifier.text, runtime)
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      let runtime = !node.isTypeOnly
      if (runtime && node.exportClause && ts.isNamedExports(node.exportClause)) {
        const els = node.exportClause.elements
        runtime = els.length === 0 || els.some((e) => !e.isTypeOnly)
      }
      add(node.moduleSpecifier.text, runtime)
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) add(arg.literal.text, false)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, true)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return [...edges].map(([to, runtime]) => ({ from: file, to, runtime }))
}

/** Every edge between library files. */
export function importGraph(root: string): ImportEdge[] {
  return libraryFiles(root).flatMap((f) => importsOf(root, f))
}

/**
 * Strongly connected components of more than one file (Tarjan), over runtime edges only or over
 * every edge: each is an import cycle.
 */
export function cycles(edges: readonly ImportEdge[], runtimeOnly: boolean): string[][] {
  const next = new Map<string, string[]>()
  for (const e of edges) {
    if (runtimeOnly && !e.runtime) continue
    if (!next.has(e.from)) next.set(e.from, [])
    next.get(e.from)!.push(e.to)
    if (!next.has(e.to)) next.set(e.to, [])
  }
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const out: string[][] = []
  const strong = (v: string): void => {
    idx.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    on.add(v)
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop()!
        on.delete(w)
        comp.push(w)
      } while (w !== v)
      if (comp.length > 1) out.push(comp.sort())
    }
  }
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) strong(v)
  return out
}
