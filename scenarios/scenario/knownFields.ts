// The field names a schema accepts at a path of the input, read from its AST: what "did you mean" chooses from when a
// scenario has an unknown field.
import * as SchemaAST from "effect/SchemaAST"

const members = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.AST> => {
  if (SchemaAST.isUnion(ast)) return ast.types.flatMap(members)
  if (SchemaAST.isSuspend(ast)) return members(ast.thunk())
  return [ast]
}

const child = (ast: SchemaAST.AST, key: string): ReadonlyArray<SchemaAST.AST> =>
  members(ast).flatMap((m) => {
    if (SchemaAST.isObjects(m)) {
      const ps = m.propertySignatures.find((p) => p.name === key)
      return ps !== undefined ? [ps.type] : m.indexSignatures.map((i) => i.type)
    }
    if (SchemaAST.isArrays(m)) return [...m.elements, ...m.rest]
    return []
  })

/** Names of the fields accepted at `path` (any member of a union), on the encoded (input) side of the schema. */
export const knownFields = (schema: SchemaAST.AST, path: ReadonlyArray<string>): ReadonlyArray<string> => {
  let nodes: ReadonlyArray<SchemaAST.AST> = [SchemaAST.toEncoded(schema)]
  for (const key of path) nodes = nodes.flatMap((n) => child(n, key))
  return [...new Set(nodes.flatMap(members).flatMap((m) => (SchemaAST.isObjects(m) ? m.propertySignatures.map((p) => String(p.name)) : [])))]
}
