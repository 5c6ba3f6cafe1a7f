// The VS Code side: starts `codegen serve --stdio` through vscode-languageclient (diagnostics
// and code actions come for free) and adds the generate / validate commands.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
  WorkDoneProgress,
} from "vscode-languageclient/node";

import {
  Candidate,
  GenerationResult,
  ProgressValue,
  ValidateResult,
  bestFirst,
  compileVerdict,
  describe,
  generateParams,
} from "./client";

let client: LanguageClient | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("codegen");
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const model = config().get<string>("model", "");
  const args = ["serve", "--stdio", ...(model ? ["--model", model] : [])];
  const serverOptions: ServerOptions = {
    command: config().get<string>("serverPath", "codegen"),
    args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
  };
  client = new LanguageClient("codegen", "Codegen", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("codegen.generateFromDescription", generateFromDescription),
    vscode.commands.registerCommand("codegen.generateFromSelection", generateFromSelection),
    vscode.commands.registerCommand("codegen.generateFromComment", generateFromComment),
    vscode.commands.registerCommand("codegen.validateFile", validateFile),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

async function pickLanguages(): Promise<string[] | undefined> {
  const configured = config().get<string[]>("languages", []);
  if (configured.length > 0) {
    return configured;
  }
  const langs = await client!.sendRequest<{ name: string; display: string }[]>("codegen/languages", {});
  const editorLang = vscode.window.activeTextEditor?.document.languageId;
  const items = langs.map((l) => ({ label: l.name, description: l.display, picked: l.name === editorLang }));
  const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: "Target languages" });
  return chosen && chosen.length > 0 ? chosen.map((c) => c.label) : undefined;
}

async function generateFromDescription(): Promise<void> {
  const description = await vscode.window.showInputBox({ prompt: "Describe the code to generate" });
  if (!description) {
    return;
  }
  const languages = await pickLanguages();
  if (languages) {
    await generateAndInsert(description, languages);
  }
}

async function generateFromSelection(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  let text = editor.document.getText(editor.selection);
  if (!text.trim()) {
    text = editor.document.lineAt(editor.selection.active.line).text;
  }
  const description = text.replace(/^\s*(\/\/+|#+|--|\/\*+|\*+\/?)\s?/gm, "").trim();
  if (!description) {
    vscode.window.showWarningMessage("Codegen: select a description or put the cursor on a comment.");
    return;
  }
  const line = editor.selection.end.line + 1;
  await generateAndInsert(description, [editor.document.languageId], line);
}

// The server's code action ("Generate code from this comment") runs this with its arguments.
async function generateFromComment(args: { description: string; languages?: string[]; insert_line?: number }): Promise<void> {
  const languages = args.languages ?? (await pickLanguages());
  if (languages) {
    await generateAndInsert(args.description, languages, args.insert_line);
  }
}

async function generateAndInsert(description: string, languages: string[], line?: number): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const params = generateParams(
    {
      description,
      languages,
      n: config().get<number>("candidates", 3),
      exec: config().get<boolean>("exec", false),
      context: editor ? [editor.document.getText()] : undefined,
    },
    `codegen-${Date.now()}`,
  );
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Codegen", cancellable: true },
    async (progress, token) => {
      const sub = client!.onProgress(WorkDoneProgress.type, params.workDoneToken as string, (v) => {
        const value = v as ProgressValue;
        if (value.message) {
          progress.report({ message: value.message });
        }
      });
      try {
        return await client!.sendRequest<GenerationResult>("codegen/generate", params, token);
      } finally {
        sub.dispose();
      }
    },
  );
  await chooseAndInsert(result, line);
}

async function chooseAndInsert(result: GenerationResult, line?: number): Promise<void> {
  const ordered = bestFirst(result.candidates);
  const items = ordered.map((c) => ({ ...describe(c), candidate: c }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Codegen: ${ordered.length} candidate(s), best first`,
    matchOnDetail: true,
    onDidSelectItem: (item) => preview((item as unknown as { candidate: Candidate }).candidate),
  });
  if (!picked) {
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const at = line === undefined ? editor.selection.active : new vscode.Position(line, 0);
  const code = picked.candidate.code.endsWith("\n") ? picked.candidate.code : picked.candidate.code + "\n";
  await editor.edit((edit) => edit.insert(at, code));
  await client!.sendRequest("codegen/accept", {
    request_id: result.request_id,
    candidate_id: picked.candidate.id,
  });
}

let previewDoc: vscode.TextDocument | undefined;

async function preview(candidate: Candidate): Promise<void> {
  // A highlighted, read-only look at the candidate beside the editor.
  previewDoc = await vscode.workspace.openTextDocument({ content: candidate.code, language: candidate.language });
  await vscode.window.showTextDocument(previewDoc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
}

async function validateFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const result = await client!.sendRequest<ValidateResult>("codegen/validate", {
    language: editor.document.languageId,
    code: editor.document.getText(),
  });
  const compiled = compileVerdict(result.compiles, result.diagnostics);
  if (result.valid && result.compiles !== false) {
    const verdict = compiled ? `, ${compiled}` : "";
    vscode.window.showInformationMessage(`Codegen: valid${verdict} (${result.validators.join(", ")})`);
  } else if (result.valid) {
    const first = result.diagnostics.find((d) => d.data?.stage === "compile");
    const where = first ? ` (line ${first.range.start.line + 1})` : "";
    vscode.window.showErrorMessage(`Codegen: valid, ${compiled}${where}`);
  } else {
    const first = result.diagnostics[0];
    const where = first ? ` line ${first.range.start.line + 1}: ${first.message}` : "";
    vscode.window.showErrorMessage(`Codegen: ${result.diagnostics.length} problem(s);${where}`);
  }
}
