// codegen's Java compile tier: compile several candidates in ONE JVM (its start is the cost),
// each as its own compilation task with only its own directory on the source and class path,
// so candidates never see each other's classes.
//
// Usage: java CompileAll.java [--parse-only | --parse-and-compile] [--release N] c1/A.java ...
// Each candidate is compiled to the end of flow analysis (no class files); --parse-only
// instead stops its task after parsing and entering (the reference tier's syntax check, as
// `javac -XDshould-stop.ifNoError=ENTER`), and --parse-and-compile runs that task and then
// the compilation, so one JVM gives both verdicts.
// Output, one line each (fields separated by tabs; in the message \n, \t and \\ are escaped):
//   <index> E <line> <column> <key> <message>     an error in candidate <index> (0-based)
//   <index> END <true|false>                      candidate <index> compiled, or not
//   <index> CRASH <message>                       javac itself failed on candidate <index>
// The parse-only task's lines are the same with PE, PEND and PCRASH.
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public class CompileAll {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager files =
            compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        List<String> base = List.of(
            "-proc:none", "-implicit:none", "-nowarn", "-Xlint:none", "-Xmaxerrs", "50",
            "-encoding", "UTF-8");
        boolean parse = false;
        boolean compile = true;
        int first = 0;
        if (args.length > 0 && args[0].startsWith("--parse-")) {
            parse = true;
            compile = args[0].equals("--parse-and-compile");
            first = 1;
        }
        List<String> release = List.of();
        if (args.length > first + 1 && args[first].equals("--release")) {
            release = List.of("--release", args[first + 1]);
            first += 2;
        }
        List<String> parsing = join(base, release, List.of("-XDshould-stop.ifNoError=ENTER"));
        List<String> compiling = join(base, release,
            List.of("-XDshould-stop.ifNoError=FLOW", "-XDshould-stop.ifError=FLOW"));
        for (int i = first; i < args.length; i++) {
            if (parse) {
                compileOne(compiler, files, parsing, i - first, args[i], "P", out);
            }
            if (compile) {
                compileOne(compiler, files, compiling, i - first, args[i], "", out);
            }
        }
    }

    @SafeVarargs
    static List<String> join(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    static void compileOne(JavaCompiler compiler, StandardJavaFileManager files,
                           List<String> base, int index, String path, String tag,
                           PrintStream out) {
        String dir = new File(path).getParent();
        List<String> options = new ArrayList<>(base);
        options.addAll(List.of("-sourcepath", dir, "-classpath", dir));
        try {
            Boolean ok = compiler.getTask(null, files, d -> report(out, index, tag, d), options,
                                          null, files.getJavaFileObjects(path)).call();
            out.println(index + "\t" + tag + "END\t" + ok);
        } catch (RuntimeException | Error e) {
            out.println(index + "\t" + tag + "CRASH\t" + escape(String.valueOf(e)));
        }
    }

    static void report(PrintStream out, int index, String tag,
                       Diagnostic<? extends JavaFileObject> d) {
        if (d.getKind() != Diagnostic.Kind.ERROR) {
            return;
        }
        out.println(index + "\t" + tag + "E\t" + d.getLineNumber() + "\t" + d.getColumnNumber() + "\t"
                    + d.getCode() + "\t" + escape(d.getMessage(Locale.ROOT)));
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n")
                   .replace("\t", "\\t");
    }
}
