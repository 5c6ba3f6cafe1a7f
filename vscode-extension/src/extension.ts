// The VS Code side: starts `codegen serve --stdio` through vscode-languageclient. Diagnostics,
// code actions, completions and the server's generate commands (codegen.generateFromComment,
// codegen.generateFromSelection: the server generates and applies the edit) come from the
// server; run from the palette, the commands get their arguments from the active editor
// (middleware). The extension adds "Generate from Description…" (a quick pick of candidates)
// and "Validate Current File".

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
  distinct,
  generateParams,
} from "./client";
import {
  GENERATE_FROM_COMMENT,
  GENERATE_FROM_SELECTION,
  codegenLanguage,
  commandArguments,
  commandReport,
  descriptionInsertion,
  needsArguments,
} from "./editor";

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
    middleware: { executeCommand: runServerCommand },
  };
  client = new LanguageClient("codegen", "Codegen", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("codegen.generateFromDescription", generateFromDescription),
    vscode.commands.registerCommand("codegen.validateFile", validateFile),
  );
  await client.start();
}

// The server's commands (registered by vscode-languageclient from executeCommandProvider):
// code actions pass their arguments; from the palette they come from the active editor.
async function runServerCommand(
  command: string,
  args: unknown[],
  next: (command: string, args: unknown[]) => unknown,
): Promise<unknown> {
  if (command !== GENERATE_FROM_COMMENT && command !== GENERATE_FROM_SELECTION) {
    return next(command, args);
  }
  if (needsArguments(args)) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      return undefined;
    }
    const found = commandArguments(command, {
      uri: editor.document.uri.toString(),
      languageId: editor.document.languageId,
      selection: editor.selection,
      cursorLine: editor.selection.active.line,
    });
    if ("error" in found) {
      vscode.window.showWarningMessage(found.error);
      return undefined;
    }
    args = [found.ok];
  }
  const result = (await next(command, args)) as Parameters<typeof commandReport>[0];
  const report = commandReport(result);
  if (report.level === "info") {
    vscode.window.setStatusBarMessage(report.message, 5000);
  } else {
    vscode.window.showWarningMessage(report.message);
  }
  return result;
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
  const editorId = vscode.window.activeTextEditor?.document.languageId ?? "";
  const mapped = codegenLanguage(editorId);
  const editorLang = "ok" in mapped ? mapped.ok : undefined;
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

async function generateAndInsert(description: string, languages: string[]): Promise<void> {
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
  await chooseAndInsert(result);
}

async function chooseAndInsert(result: GenerationResult): Promise<void> {
  const ordered = bestFirst(result.candidates);
  const shown = distinct(ordered);
  const items = shown.map(({ candidate, agree }) => ({ ...describe(candidate, agree), candidate }));
  const folded = ordered.length > shown.length ? ` (${ordered.length - shown.length} identical folded)` : "";
  const picked = await vscode.window.showQuickPick(items, {
    title: `Codegen: ${shown.length} distinct candidate(s), best first${folded}`,
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
  const lines = editor.document.getText().split("\n");
  const place = descriptionInsertion(picked.candidate.code, lines, editor.selection.active.line);
  const at = new vscode.Position(place.range.start.line, place.range.start.character);
  await editor.edit((edit) => edit.insert(at, place.newText));
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
  const language = codegenLanguage(editor.document.languageId);
  if ("error" in language) {
    vscode.window.showWarningMessage(language.error);
    return;
  }
  const result = await client!.sendRequest<ValidateResult>("codegen/validate", {
    language: language.ok,
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
