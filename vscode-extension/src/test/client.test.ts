// The client module against the real Python server over stdio (vscode-jsonrpc), no VS Code.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe as suite, test } from "node:test";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node";

import { TextEdit, applyEdits } from "../editor";
import { Candidate, CodegenClient, bestFirst, compileVerdict, describe, distinct, generateParams } from "../client";

const repo = path.resolve(__dirname, "..", "..", "..");
const python = process.env.CODEGEN_PYTHON ?? path.join(repo, ".venv", "bin", "python");

function candidate(id: string, rank: number | null, score: number | null, valid: boolean): Candidate {
  return { id, language: "python", code: `# ${id}\nx = 1\n`, valid, rank, score, diagnostics: [], repairs: [] };
}

test("bestFirst puts ranked candidates first, by rank, then invalid ones by score", () => {
  const ordered = bestFirst([
    candidate("python-1", null, 0.9, false),
    candidate("python-2", 2, 0.5, true),
    candidate("python-3", 1, 0.4, true),
    candidate("python-4", null, 0.95, false),
  ]);
  assert.deepEqual(ordered.map((c) => c.id), ["python-3", "python-2", "python-4", "python-1"]);
});

test("describe shows rank, id, validity and score", () => {
  const item = describe(candidate("python-2", 1, 0.5, true));
  assert.equal(item.label, "#1 python-2");
  assert.equal(item.description, "valid · score 0.50");
  assert.equal(item.detail, "# python-2");
});

test("describe shows the compile verdict with the first compiler error", () => {
  const compiles = { ...candidate("rust-1", 1, 0.9, true), compiles: true };
  assert.equal(describe(compiles).description, "valid · ✓ compiles · score 0.90");
  const broken = {
    ...candidate("rust-2", 2, 0.5, true),
    compiles: false,
    diagnostics: [
      { line: 1, column: 1, message: "unused", source: "x", severity: "warning" as const },
      { line: 2, column: 5, message: "E0599: no method named `pop`", source: "rustc", stage: "compile" as const },
    ],
  };
  assert.equal(describe(broken).description, "valid · ✗ does not compile: E0599: no method named `pop` · score 0.50");
  assert.equal(describe({ ...candidate("c-1", 1, 0.5, true), compiles: null }).description, "valid · score 0.50");
  assert.equal(compileVerdict(false, []), "✗ does not compile");
});

test("distinct folds candidates marked duplicate_of into their original and counts them", () => {
  const copy = (id: string, of: string | null) => ({ ...candidate(id, 1, 0.5, true), duplicate_of: of });
  const shown = distinct([copy("python-3", "python-1"), copy("python-2", null), copy("python-1", null)]);
  assert.deepEqual(
    shown.map((s) => [s.candidate.id, s.agree]),
    [
      ["python-3", 2],
      ["python-2", 1],
    ],
  );
  assert.equal(describe(shown[0].candidate, shown[0].agree).description, "valid · score 0.50 · ×2 agree");
  assert.equal(describe(shown[1].candidate, shown[1].agree).description, "valid · score 0.50");
});

test("generateParams keeps snake_case fields and drops empty ones", () => {
  const params = generateParams({ description: "d", languages: ["go"], n: 2, model: "", context: [] }, "t");
  assert.deepEqual(params, { description: "d", languages: ["go"], n: 2, workDoneToken: "t" });
});

suite("against codegen serve --stdio", () => {
  let client: CodegenClient;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-vscode-test-"));
  const auditPath = path.join(scratch, "audit.jsonl");
  fs.writeFileSync(path.join(scratch, "config.toml"), ""); // CODEGEN_CONFIG must name a file that exists

  before(async () => {
    client = CodegenClient.start(python, ["-m", "codegen", "serve", "--stdio", "--model", "embedded-small"], {
      ...process.env,
      PYTHONPATH: repo,
      CODEGEN_CONFIG: path.join(scratch, "config.toml"),
      CODEGEN_AUDIT_PATH: auditPath,
    });
    const init = await client.initialize(undefined, { workspace: { applyEdit: true } });
    assert.ok("capabilities" in init);
  });

  after(async () => {
    assert.equal(await client.stop(), 0);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("languages lists python", async () => {
    const langs = await client.languages();
    assert.ok(langs.some((l) => l.name === "python"));
  });

  test("validate reports UTF-16 positions", async () => {
    const code = "s = '😀' + )\n";
    const result = await client.validate("python", code);
    assert.equal(result.valid, false);
    // JavaScript strings index in UTF-16 units, as LSP positions do.
    assert.equal(result.diagnostics[0].range.start.character, code.indexOf(")"));
  });

  test("validate gives the compile verdict and the compiler's errors with their stage", async () => {
    const code = "def f(s):\n    return re.sub('a', 'b', s)\n";
    const result = await client.validate("python", code);
    assert.equal(result.valid, true);
    assert.equal(result.compiles, false);
    const error = result.diagnostics.find((d) => d.data?.stage === "compile");
    assert.ok(error && /undefined name 're'/.test(error.message));
    assert.match(compileVerdict(result.compiles, result.diagnostics), /^✗ does not compile: undefined name 're'/);
    const syntaxOnly = await client.validate("python", code, false);
    assert.equal(syntaxOnly.compiles, null);
  });

  test("invalid params name the field", async () => {
    await assert.rejects(client.validate("klingon", "x"), (err: ResponseError<unknown>) => {
      assert.equal(err.code, -32602);
      assert.match(err.message, /klingon/);
      return true;
    });
  });

  test("unknown methods are -32601", async () => {
    await assert.rejects(client.connection.sendRequest("codegen/nope", {}), (err: ResponseError<unknown>) => {
      assert.equal(err.code, -32601);
      return true;
    });
  });

  test("accept acknowledges a choice", async () => {
    const reply = (await client.accept("req-1", "python-1")) as { accepted: boolean; recorded: boolean };
    assert.equal(reply.accepted, true);
    if (reply.recorded) {
      assert.match(fs.readFileSync(auditPath, "utf8"), /python-1/);
    }
  });

  test("the server's command generates and applies its edit (one implementation)", async () => {
    const uri = "file:///tmp/codegen-vscode-test.py";
    const text = "# Return the product of two numbers a and b\n";
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text },
    });
    let edited = text;
    const seen: TextEdit[] = [];
    const handler = client.connection.onRequest("workspace/applyEdit", (params: { edit: { changes: Record<string, TextEdit[]> } }) => {
      seen.push(...params.edit.changes[uri]);
      edited = applyEdits(edited, params.edit.changes[uri]);
      return { applied: true };
    });
    try {
      const args = { uri, line: 0, n: 1, max_tokens: 96, temperature: 0 };
      const result = (await client.connection.sendRequest("workspace/executeCommand", {
        command: "codegen.generateFromComment",
        arguments: [args],
      })) as { applied: boolean; candidate_id: string; code: string };
      assert.equal(result.applied, true);
      assert.equal(result.candidate_id, "python-1");
      assert.equal(seen.length, 1);
      assert.ok(edited.startsWith(text) && edited.includes(result.code.trim()), edited);
      const check = await client.validate("python", edited, false);
      assert.equal(check.valid, true, edited);
    } finally {
      handler.dispose();
    }
  });

  test("a cancelled generation is rejected with RequestCancelled", async () => {
    const source = new CancellationTokenSource();
    const call = client.generate({ description: "Add two numbers", languages: ["python"], n: 1, max_tokens: 32 }, undefined, source.token);
    setTimeout(() => source.cancel(), 50);
    await assert.rejects(call, (err: ResponseError<unknown>) => {
      assert.equal(err.code, -32800);
      return true;
    });
  });
});
