// The extension's editor logic without VS Code: language mapping, command arguments from the
// palette, where "Generate from Description…" inserts code, and applying LSP edits.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  GENERATE_FROM_COMMENT,
  GENERATE_FROM_SELECTION,
  applyEdits,
  codegenLanguage,
  commandArguments,
  commandReport,
  descriptionInsertion,
  needsArguments,
} from "../editor";

test("VS Code languageIds map to codegen languages", () => {
  assert.deepEqual(codegenLanguage("shellscript"), { ok: "bash" });
  assert.deepEqual(codegenLanguage("javascriptreact"), { ok: "javascript" });
  assert.deepEqual(codegenLanguage("typescriptreact"), { ok: "typescript" });
  assert.deepEqual(codegenLanguage("python"), { ok: "python" });
});

test("an unsupported languageId gets a clear message listing the supported ones", () => {
  const found = codegenLanguage("markdown");
  assert.ok("error" in found);
  assert.match(found.error, /^Codegen: markdown files are not supported; it generates python, javascript, /);
  assert.match(found.error, /bash/);
});

const editor = {
  uri: "file:///w/app.tsx",
  languageId: "typescriptreact",
  selection: { start: { line: 2, character: 0 }, end: { line: 3, character: 4 } },
  cursorLine: 3,
};

test("palette runs get their arguments from the editor", () => {
  assert.deepEqual(commandArguments(GENERATE_FROM_SELECTION, editor), {
    ok: { uri: editor.uri, languages: ["typescript"], range: editor.selection },
  });
  assert.deepEqual(commandArguments(GENERATE_FROM_COMMENT, editor), {
    ok: { uri: editor.uri, languages: ["typescript"], line: 3 },
  });
  const empty = { ...editor, selection: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } } };
  assert.ok("error" in commandArguments(GENERATE_FROM_SELECTION, empty));
  assert.ok("error" in commandArguments(GENERATE_FROM_COMMENT, { ...editor, languageId: "plaintext" }));
  assert.equal(needsArguments([]), true);
  assert.equal(needsArguments([{ uri: "file:///x" }]), false);
});

test("Generate from Description inserts whole lines, indented like the cursor line", () => {
  const lines = ["class A:", "    def f(self):", "        pass", "    ", ""];
  const onCode = descriptionInsertion("def g(self):\n    return 1\n", lines, 1);
  assert.deepEqual(onCode, {
    range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
    newText: "    def g(self):\n        return 1\n",
  });
  const onBlank = descriptionInsertion("x = 1", lines, 3);
  assert.deepEqual(onBlank.range.start, { line: 3, character: 0 });
  assert.equal(onBlank.newText, "    x = 1\n");
  const atEnd = descriptionInsertion("y = 2", ["x = 1"], 0);
  assert.equal(applyEdits("x = 1", [atEnd]), "x = 1\ny = 2\n");
});

test("applyEdits applies LSP edits in UTF-16 positions, last first", () => {
  const text = "a = '😀'\nb = 2\n";
  const edits = [
    { range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } }, newText: " # smile" },
    { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: "c = 3\n" },
  ];
  assert.equal(applyEdits(text, edits), "a = '😀' # smile\nc = 3\n");
});

test("the command's result becomes one line for the user", () => {
  assert.deepEqual(commandReport({ applied: true, candidate_id: "python-1" }), {
    level: "info",
    message: "Codegen: inserted python-1.",
  });
  assert.equal(commandReport({ applied: false, reason: "no valid python candidate" }).level, "warning");
});
