// The editor-facing logic of the extension, free of `vscode` imports so it runs (and is tested)
// under plain node: which codegen language a VS Code document is, the arguments of the server's
// generate commands when they are run from the palette, where "Generate from Description…"
// inserts code, and applying LSP text edits to a text (what an editor does with applyEdit).

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** VS Code languageId → codegen language (identical names are listed too). */
export const LANGUAGE_IDS: Readonly<Record<string, string>> = {
  python: "python",
  javascript: "javascript",
  javascriptreact: "javascript",
  typescript: "typescript",
  typescriptreact: "typescript",
  java: "java",
  go: "go",
  rust: "rust",
  c: "c",
  cpp: "cpp",
  csharp: "csharp",
  ruby: "ruby",
  shellscript: "bash",
  sql: "sql",
  json: "json",
  jsonc: "json",
};

export const GENERATE_FROM_COMMENT = "codegen.generateFromComment";
export const GENERATE_FROM_SELECTION = "codegen.generateFromSelection";

export type Outcome<T> = { ok: T } | { error: string };

/** The codegen language of a document, or a message saying it is not supported. */
export function codegenLanguage(languageId: string): Outcome<string> {
  const name = LANGUAGE_IDS[languageId];
  if (name !== undefined) {
    return { ok: name };
  }
  const supported = [...new Set(Object.values(LANGUAGE_IDS))].join(", ");
  return {
    error: `Codegen: ${languageId} files are not supported; it generates ${supported}.`,
  };
}

export interface EditorState {
  uri: string;
  languageId: string;
  selection: Range;
  /** The cursor line (0-based). */
  cursorLine: number;
}

/** The arguments the server's command takes, from the active editor (the palette passes none). */
export function commandArguments(command: string, editor: EditorState): Outcome<Record<string, unknown>> {
  const language = codegenLanguage(editor.languageId);
  if ("error" in language) {
    return language;
  }
  const base = { uri: editor.uri, languages: [language.ok] };
  if (command === GENERATE_FROM_SELECTION) {
    const { start, end } = editor.selection;
    if (start.line === end.line && start.character === end.character) {
      return { error: "Codegen: select the description to generate from first." };
    }
    return { ok: { ...base, range: editor.selection } };
  }
  return { ok: { ...base, line: editor.cursorLine } };
}

/** Whether a command call came without arguments (run from the palette or a key binding). */
export function needsArguments(args: unknown[]): boolean {
  const first = args[0] as { uri?: unknown } | undefined;
  return typeof first !== "object" || first === null || typeof first.uri !== "string";
}

function indentation(line: string): string {
  return line.slice(0, line.length - line.trimStart().length);
}

/**
 * Where "Generate from Description…" puts code: on a blank cursor line, there (indented like
 * the cursor); otherwise on the next line, indented like the cursor line. Always whole lines.
 */
export function descriptionInsertion(code: string, lines: string[], cursorLine: number): TextEdit {
  const current = lines[cursorLine] ?? "";
  const indent = indentation(current);
  const body = code
    .replace(/\n+$/, "")
    .split("\n")
    .map((row) => (row.trim() ? indent + row : row))
    .join("\n");
  const line = current.trim() === "" ? cursorLine : cursorLine + 1;
  if (line >= lines.length) {
    const last = lines.length - 1;
    const at = { line: last, character: lines[last]?.length ?? 0 };
    return { range: { start: at, end: at }, newText: (lines[last] ? "\n" : "") + body + "\n" };
  }
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: body + "\n" };
}

/** ``text`` with LSP edits applied (UTF-16 positions, as JavaScript strings index). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: Position) => {
    let at = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) {
      at += lines[i].length + 1;
    }
    return Math.min(at + p.character, text.length);
  };
  const ordered = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of ordered) {
    out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  }
  return out;
}

/** What the server's command reports, as one line for the user. */
export function commandReport(result: { applied?: boolean; candidate_id?: string; reason?: string } | undefined): {
  level: "info" | "warning";
  message: string;
} {
  if (result?.applied) {
    return { level: "info", message: `Codegen: inserted ${result.candidate_id ?? "the best candidate"}.` };
  }
  return { level: "warning", message: `Codegen: nothing inserted (${result?.reason ?? "no answer"}).` };
}
