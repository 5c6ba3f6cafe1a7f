// codegen's Java compile tier: compile several candidates in ONE JVM (its start is the cost),
// each as its own compilation task with only its own directory on the source and class path,
// so candidates never see each other's classes.
//
// Usage: java CompileAll.java [--parse-only] [--release N] c1/Name.java c2/Other.java ...
// --parse-only stops each task after parsing and entering (the reference tier's syntax check,
// as `javac -XDshould-stop.ifNoError=ENTER`); without it, after flow analysis.
// Output, one line each (fields separated by tabs; in the message \n, \t and \\ are escaped):
//   <index> E <line> <column> <key> <message>     an error in candidate <index> (0-based)
//   <index> END <true|false>                      candidate <index> compiled, or not
//   <index> CRASH <message>                       javac itself failed on candidate <index>
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
        List<String> base = new ArrayList<>(List.of(
            "-proc:none", "-implicit:none", "-nowarn", "-Xlint:none", "-Xmaxerrs", "50",
            "-encoding", "UTF-8"));
        int first = 0;
        if (args.length > 0 && args[0].equals("--parse-only")) {
            base.add("-XDshould-stop.ifNoError=ENTER");
            first = 1;
        } else {
            base.addAll(List.of("-XDshould-stop.ifNoError=FLOW", "-XDshould-stop.ifError=FLOW"));
        }
        if (args.length > first + 1 && args[first].equals("--release")) {
            base.add("--release");
            base.add(args[first + 1]);
            first += 2;
        }
        for (int i = first; i < args.length; i++) {
            compileOne(compiler, files, base, i - first, args[i], out);
        }
    }

    static void compileOne(JavaCompiler compiler, StandardJavaFileManager files,
                           List<String> base, int index, String path, PrintStream out) {
        String dir = new File(path).getParent();
        List<String> options = new ArrayList<>(base);
        options.addAll(List.of("-sourcepath", dir, "-classpath", dir));
        try {
            Boolean ok = compiler.getTask(null, files, d -> report(out, index, d), options, null,
                                          files.getJavaFileObjects(path)).call();
            out.println(index + "\tEND\t" + ok);
        } catch (RuntimeException | Error e) {
            out.println(index + "\tCRASH\t" + escape(String.valueOf(e)));
        }
    }

    static void report(PrintStream out, int index, Diagnostic<? extends JavaFileObject> d) {
        if (d.getKind() != Diagnostic.Kind.ERROR) {
            return;
        }
        out.println(index + "\tE\t" + d.getLineNumber() + "\t" + d.getColumnNumber() + "\t"
                    + d.getCode() + "\t" + escape(d.getMessage(Locale.ROOT)));
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n")
                   .replace("\t", "\\t");
    }
}
