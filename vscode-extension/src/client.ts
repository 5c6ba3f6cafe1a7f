// The codegen protocol, free of `vscode` imports so it runs (and is tested) under plain node.
// Types mirror schemas/result.schema.json and the codegen/* methods of `codegen serve`.

import { ChildProcess, spawn } from "node:child_process";
import {
  CancellationToken,
  MessageConnection,
  ProgressType,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface LspDiagnostic {
  range: LspRange;
  severity: number;
  source: string;
  message: string;
  data?: { stage?: "syntax" | "compile" };
}

/** A candidate's diagnostic (1-based positions); `stage` "compile": the compiler's error. */
export interface CandidateDiagnostic {
  line: number;
  column: number;
  message: string;
  source: string;
  severity?: "error" | "warning";
  stage?: "syntax" | "compile";
}

export interface Candidate {
  id: string;
  language: string;
  code: string;
  valid: boolean | null;
  /** The compiler accepts it; null: no compiler here, or it timed out. */
  compiles?: boolean | null;
  rank: number | null;
  score: number | null;
  diagnostics: CandidateDiagnostic[];
  repairs: unknown[];
  /** The id of the first candidate with the same code (comments and layout aside), else null. */
  duplicate_of?: string | null;
}

export interface GenerationResult {
  request_id: string;
  model: string;
  candidates: Candidate[];
  timings: Record<string, number>;
}

export interface ValidateResult {
  valid: boolean;
  compiles?: boolean | null;
  diagnostics: LspDiagnostic[];
  validators: string[];
}

export interface LanguageInfo {
  name: string;
  display: string;
  extension: string;
  aliases: string[];
  line_comment: string;
}

export interface GenerateOptions {
  description: string;
  languages: string[];
  n?: number;
  model?: string;
  exec?: boolean;
  max_tokens?: number;
  temperature?: number;
  context?: string[];
  uri?: string;
}

export interface ProgressValue {
  kind: "begin" | "report" | "end";
  message?: string;
  codegen?: { event: string; candidate?: Candidate };
}

/** The request params for codegen/generate (GenerationRequest's fields, snake_case). */
export function generateParams(opts: GenerateOptions, workDoneToken?: string): Record<string, unknown> {
  const params: Record<string, unknown> = {
    description: opts.description,
    languages: opts.languages,
  };
  for (const key of ["n", "model", "exec", "max_tokens", "temperature", "context", "uri"] as const) {
    const value = opts[key];
    if (value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0)) {
      params[key] = value;
    }
  }
  if (workDoneToken !== undefined) {
    params.workDoneToken = workDoneToken;
  }
  return params;
}

/** Candidates best first: valid ones by rank (then score), then invalid ones by score. */
export function bestFirst(candidates: Candidate[]): Candidate[] {
  const score = (c: Candidate) => (c.score === null ? -Infinity : c.score);
  return [...candidates].sort((a, b) => {
    if ((a.rank === null) !== (b.rank === null)) {
      return a.rank === null ? 1 : -1;
    }
    if (a.rank !== null && b.rank !== null && a.rank !== b.rank) {
      return a.rank - b.rank;
    }
    return score(b) - score(a);
  });
}

/** "✓ compiles", "✗ does not compile: <first error>", or "" when unknown. */
export function compileVerdict(
  compiles: boolean | null | undefined,
  diagnostics: { message: string; stage?: string; data?: { stage?: string } }[],
): string {
  if (compiles === true) {
    return "✓ compiles";
  }
  if (compiles !== false) {
    return "";
  }
  const first = diagnostics.find((d) => (d.stage ?? d.data?.stage) === "compile");
  return first ? `✗ does not compile: ${first.message}` : "✗ does not compile";
}

/** Each candidate that is the first of its group of identical ones to appear, in the given
 * order, with how many candidates the group holds (the server marks copies with duplicate_of). */
export function distinct(candidates: Candidate[]): { candidate: Candidate; agree: number }[] {
  const groups = new Map<string, { candidate: Candidate; agree: number }>();
  for (const c of candidates) {
    const key = `${c.language}\u0000${c.duplicate_of ?? c.id}`;
    const group = groups.get(key);
    if (group) {
      group.agree += 1;
    } else {
      groups.set(key, { candidate: c, agree: 1 });
    }
  }
  return [...groups.values()];
}

/** One QuickPick line for a candidate: its id, validity, compile verdict and score, and
 * "×3 agree" when two identical candidates are folded into it. */
export function describe(c: Candidate, agree = 1): { label: string; description: string; detail: string } {
  let validity = c.valid ? "valid" : c.valid === false ? "invalid" : "unchecked";
  const compiled = c.valid ? compileVerdict(c.compiles, c.diagnostics) : "";
  if (compiled) {
    validity += ` · ${compiled}`;
  }
  const score = c.score === null ? "" : ` · score ${c.score.toFixed(2)}`;
  const rank = c.rank === null ? "" : `#${c.rank} `;
  const copies = agree > 1 ? ` · ×${agree} agree` : "";
  const firstLine = c.code.split("\n").find((line) => line.trim() !== "") ?? "";
  return { label: `${rank}${c.id}`, description: `${validity}${score}${copies}`, detail: firstLine.trim() };
}

/** A codegen server over a child process' stdio (for tests and non-VS Code hosts). */
export class CodegenClient {
  private constructor(
    readonly connection: MessageConnection,
    readonly process: ChildProcess,
  ) {}

  static start(command: string, args: string[], env?: NodeJS.ProcessEnv): CodegenClient {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"], env: env ?? process.env });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    return new CodegenClient(connection, child);
  }

  async initialize(token?: string, capabilities: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const options = token === undefined ? undefined : { token };
    const result = await this.connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions: options,
    });
    await this.connection.sendNotification("initialized", {});
    return result as Record<string, unknown>;
  }

  languages(): Promise<LanguageInfo[]> {
    return this.connection.sendRequest("codegen/languages", {});
  }

  validate(language: string, code: string, compile = true): Promise<ValidateResult> {
    return this.connection.sendRequest("codegen/validate", { language, code, compile });
  }

  accept(requestId: string, candidateId: string): Promise<{ accepted: boolean }> {
    return this.connection.sendRequest("codegen/accept", {
      request_id: requestId,
      candidate_id: candidateId,
    });
  }

  generate(
    opts: GenerateOptions,
    onProgress?: (value: ProgressValue) => void,
    token?: CancellationToken,
  ): Promise<GenerationResult> {
    const progressToken = `codegen-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const disposable = onProgress
      ? this.connection.onProgress(new ProgressType<ProgressValue>(), progressToken, onProgress)
      : undefined;
    const params = generateParams(opts, onProgress ? progressToken : undefined);
    const call = this.connection.sendRequest<GenerationResult>("codegen/generate", params, token);
    return call.finally(() => disposable?.dispose());
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once("exit", resolve));
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
    } catch {
      this.process.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
