/// <reference lib="dom" />
// In the browser the what-if page's charts are drawn into the page's own document: build.ts puts this module where
// the report's server-side DOM (linkedom) is imported, so the report's chart code runs unchanged.
export const parseHTML = (_html: string): { readonly document: Document } => ({ document: globalThis.document })
