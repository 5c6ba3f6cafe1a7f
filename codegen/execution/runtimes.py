"""The fixed parts of the native harnesses: printers and case runners in C, C++, Java, Rust, Go.

Each case prints one line, ``@@CODEGEN-CASE@@<index> <result>``, where the result is the
returned value as JSON (lists for arrays, vectors, slices and tuples; ``null`` for a missing
value) or a marker starting with ``!`` (``!timeout``, ``!panic``, ``!NullPointerException``).
A case that prints nothing crashed. Every case runs on its own: C and C++ fork a child per case
(a crash or a hang ends only that child; ``setitimer`` bounds it); Java, Rust and Go run it on a
thread or goroutine the runner waits for with a timeout, catching exceptions and panics, and end
the process with an explicit exit so a runaway case cannot hold it.
"""

from __future__ import annotations

MARK = "@@CODEGEN-CASE@@"

C_PRELUDE = """\
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdbool.h>
#include <unistd.h>
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/time.h>
"""

CPP_PRELUDE = """\
#include <math.h>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>
#include <optional>
#include <utility>
#include <type_traits>
#include <unistd.h>
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/time.h>
"""

# Printers and the fork-per-case runner, shared by C and C++.
C_RUNTIME = r"""
static void codegen_str(const char *s) {
  if (!s) { fputs("null", stdout); return; }
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') { putchar('\\'); putchar(*p); }
    else if (*p == '\n') fputs("\\n", stdout);
    else if (*p == '\t') fputs("\\t", stdout);
    else if (*p < 0x20 || *p == 0x7f) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}
static void codegen_int(long long v) { printf("%lld", v); }
static void codegen_uint(unsigned long long v) { printf("%llu", v); }
static void codegen_double(double v) {
  if (isnan(v)) fputs("NaN", stdout);
  else if (isinf(v)) fputs(v > 0 ? "Infinity" : "-Infinity", stdout);
  else printf("%.17g", v);
}
static void codegen_bool(int v) { fputs(v ? "true" : "false", stdout); }
static void codegen_char(char c) { char s[2] = {c, 0}; codegen_str(s); }
static void codegen_begin(int i) { printf("\n@@CODEGEN-CASE@@%d ", i); }
static void codegen_end(void) { putchar('\n'); fflush(stdout); }
static double codegen_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
static void codegen_run(int i, void (*f)(void), int ms) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) { printf("\n@@CODEGEN-CASE@@%d !fork\n", i); return; }
  if (pid == 0) {
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec = ms / 1000;
    t.it_value.tv_usec = (ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &t, NULL);
    f();
    fflush(stdout);
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) printf("\n@@CODEGEN-CASE@@%d !timeout\n", i);
  fflush(stdout);
}
"""

CPP_SHOW = r"""
template <class T> struct codegen_is_pair : std::false_type {};
template <class A, class B> struct codegen_is_pair<std::pair<A, B>> : std::true_type {};
template <class T> struct codegen_is_opt : std::false_type {};
template <class A> struct codegen_is_opt<std::optional<A>> : std::true_type {};
template <class T> void codegen_show(const T &v) {
  if constexpr (std::is_same_v<T, bool>) codegen_bool(v);
  else if constexpr (std::is_same_v<T, char>) codegen_char(v);
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) codegen_int(v);
  else if constexpr (std::is_integral_v<T>) codegen_uint(v);
  else if constexpr (std::is_enum_v<T>) codegen_int((long long)v);
  else if constexpr (std::is_floating_point_v<T>) codegen_double(v);
  else if constexpr (std::is_convertible_v<const T &, std::string_view>) {
    std::string s{std::string_view(v)};
    codegen_str(s.c_str());
  } else if constexpr (codegen_is_pair<T>::value) {
    putchar('['); codegen_show(v.first); putchar(','); codegen_show(v.second); putchar(']');
  } else if constexpr (codegen_is_opt<T>::value) {
    if (v) codegen_show(*v); else fputs("null", stdout);
  } else {
    putchar('[');
    bool first = true;
    for (const auto &x : v) { if (!first) putchar(','); first = false; codegen_show(x); }
    putchar(']');
  }
}
"""

JAVA_HARNESS = r"""
public class CodegenHarness {
  interface Case { Object call() throws Throwable; }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') b.append('\\').append(ch);
      else if (ch == '\n') b.append("\\n");
      else if (ch == '\t') b.append("\\t");
      else if (ch < 0x20 || ch == 0x7f) b.append(String.format("\\u%%04x", (int) ch));
      else b.append(ch);
    }
    return b.append('"').toString();
  }

  static void show(StringBuilder b, Object v) {
    if (v == null) b.append("null");
    else if (v instanceof CharSequence || v instanceof Character) b.append(quote(v.toString()));
    else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) b.append("NaN");
      else if (Double.isInfinite(d)) b.append(d > 0 ? "Infinity" : "-Infinity");
      else b.append(v.toString());
    } else if (v instanceof Number || v instanceof Boolean) b.append(v.toString());
    else if (v.getClass().isArray()) {
      b.append('[');
      for (int k = 0; k < java.lang.reflect.Array.getLength(v); k++) {
        if (k > 0) b.append(',');
        show(b, java.lang.reflect.Array.get(v, k));
      }
      b.append(']');
    } else if (v instanceof Iterable) {
      b.append('[');
      boolean first = true;
      for (Object x : (Iterable<?>) v) { if (!first) b.append(','); first = false; show(b, x); }
      b.append(']');
    } else b.append(quote(String.valueOf(v)));
  }

  static void run(int i, long ms, Case c) {
    final String[] out = {null};
    Thread t = new Thread(null, () -> {
      try {
        StringBuilder b = new StringBuilder();
        show(b, c.call());
        out[0] = b.toString();
      } catch (Throwable e) {
        out[0] = "!" + e.getClass().getSimpleName();
      }
    }, "codegen-case", 1L << 26);
    t.setDaemon(true);
    t.start();
    try { t.join(ms); } catch (InterruptedException e) { }
    String text = t.isAlive() ? "!timeout" : out[0];
    System.out.print("\n@@CODEGEN-CASE@@" + i + " " + text + "\n");
    System.out.flush();
  }

  public static void main(String[] args) {
%(cases)s
    System.out.flush();
    System.exit(0);
  }
}
"""

RUST_RUNTIME = r"""
trait CodegenShow { fn codegen_show(&self, out: &mut String); }
macro_rules! codegen_plain {
  ($($t:ty),*) => { $(impl CodegenShow for $t {
    fn codegen_show(&self, out: &mut String) { out.push_str(&self.to_string()); }
  })* };
}
codegen_plain!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool);
fn codegen_float(v: f64, text: String, out: &mut String) {
  if v.is_nan() { out.push_str("NaN"); }
  else if v.is_infinite() { out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" }); }
  else { out.push_str(&text); }
}
impl CodegenShow for f64 {
  fn codegen_show(&self, out: &mut String) { codegen_float(*self, format!("{:?}", self), out) }
}
impl CodegenShow for f32 {
  fn codegen_show(&self, out: &mut String) {
    codegen_float(*self as f64, format!("{:?}", self), out)
  }
}
fn codegen_quote(s: &str, out: &mut String) {
  out.push('"');
  for ch in s.chars() {
    match ch {
      '"' | '\\' => { out.push('\\'); out.push(ch); }
      '\n' => out.push_str("\\n"),
      '\t' => out.push_str("\\t"),
      c if (c as u32) < 0x20 || c as u32 == 0x7f => {
        out.push_str(&format!("\\u{:04x}", c as u32))
      }
      c => out.push(c),
    }
  }
  out.push('"');
}
impl CodegenShow for char {
  fn codegen_show(&self, out: &mut String) { codegen_quote(&self.to_string(), out) }
}
impl CodegenShow for str {
  fn codegen_show(&self, out: &mut String) { codegen_quote(self, out) }
}
impl CodegenShow for String {
  fn codegen_show(&self, out: &mut String) { codegen_quote(self, out) }
}
impl<T: CodegenShow + ?Sized> CodegenShow for &T {
  fn codegen_show(&self, out: &mut String) { (**self).codegen_show(out) }
}
impl<T: CodegenShow + ?Sized> CodegenShow for &mut T {
  fn codegen_show(&self, out: &mut String) { (**self).codegen_show(out) }
}
impl<T: CodegenShow + ?Sized> CodegenShow for Box<T> {
  fn codegen_show(&self, out: &mut String) { (**self).codegen_show(out) }
}
impl<T: CodegenShow> CodegenShow for [T] {
  fn codegen_show(&self, out: &mut String) {
    out.push('[');
    for (k, x) in self.iter().enumerate() { if k > 0 { out.push(','); } x.codegen_show(out); }
    out.push(']');
  }
}
impl<T: CodegenShow, const N: usize> CodegenShow for [T; N] {
  fn codegen_show(&self, out: &mut String) { self[..].codegen_show(out) }
}
impl<T: CodegenShow> CodegenShow for Vec<T> {
  fn codegen_show(&self, out: &mut String) { self[..].codegen_show(out) }
}
impl<T: CodegenShow> CodegenShow for std::collections::VecDeque<T> {
  fn codegen_show(&self, out: &mut String) { self.iter().collect::<Vec<_>>().codegen_show(out) }
}
impl<T: CodegenShow> CodegenShow for Option<T> {
  fn codegen_show(&self, out: &mut String) {
    match self { Some(v) => v.codegen_show(out), None => out.push_str("null") }
  }
}
impl<A: CodegenShow, B: CodegenShow> CodegenShow for (A, B) {
  fn codegen_show(&self, out: &mut String) {
    out.push('['); self.0.codegen_show(out); out.push(','); self.1.codegen_show(out); out.push(']');
  }
}
impl<A: CodegenShow, B: CodegenShow, C: CodegenShow> CodegenShow for (A, B, C) {
  fn codegen_show(&self, out: &mut String) {
    out.push('['); self.0.codegen_show(out); out.push(','); self.1.codegen_show(out);
    out.push(','); self.2.codegen_show(out); out.push(']');
  }
}
fn codegen_text<T: CodegenShow>(v: T) -> String {
  let mut s = String::new();
  v.codegen_show(&mut s);
  s
}
fn codegen_case<F: FnOnce() -> String + Send + 'static>(i: usize, ms: u64, f: F) {
  let (tx, rx) = std::sync::mpsc::channel();
  let spawned = std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let _ = tx.send(match r { Ok(s) => s, Err(_) => "!panic".to_string() });
  });
  let text = match spawned {
    Err(_) => "!spawn".to_string(),
    Ok(_) => match rx.recv_timeout(std::time::Duration::from_millis(ms)) {
      Ok(s) => s,
      Err(_) => "!timeout".to_string(),
    },
  };
  println!("\n@@CODEGEN-CASE@@{} {}", i, text);
}
"""

GO_HARNESS = r"""package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

func codegenPack(vs ...interface{}) []interface{} { return vs }

func codegenShow(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) {
			b.WriteString("NaN")
		} else if math.IsInf(f, 0) {
			if f > 0 {
				b.WriteString("Infinity")
			} else {
				b.WriteString("-Infinity")
			}
		} else {
			b.WriteString(strconv.FormatFloat(f, 'g', -1, v.Type().Bits()))
		}
	case reflect.String:
		q, _ := json.Marshal(v.String())
		b.Write(q)
	case reflect.Slice, reflect.Array:
		b.WriteString("[")
		for k := 0; k < v.Len(); k++ {
			if k > 0 {
				b.WriteString(",")
			}
			codegenShow(b, v.Index(k))
		}
		b.WriteString("]")
	case reflect.Ptr, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
		} else {
			codegenShow(b, v.Elem())
		}
	default:
		q, _ := json.Marshal(fmt.Sprint(v.Interface()))
		b.Write(q)
	}
}

func codegenText(vs []interface{}, hasErr bool) string {
	if hasErr {
		if vs[len(vs)-1] != nil {
			return "!error"
		}
		vs = vs[:len(vs)-1]
	}
	var b strings.Builder
	if len(vs) == 1 {
		codegenShow(&b, reflect.ValueOf(vs[0]))
	} else {
		codegenShow(&b, reflect.ValueOf(vs))
	}
	return b.String()
}

func codegenCase(i int, ms int, f func() string) {
	ch := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- "!panic"
			}
		}()
		ch <- f()
	}()
	select {
	case s := <-ch:
		fmt.Printf("\n@@CODEGEN-CASE@@%%d %%s\n", i, s)
	case <-time.After(time.Duration(ms) * time.Millisecond):
		fmt.Printf("\n@@CODEGEN-CASE@@%%d !timeout\n", i)
	}
}

func main() {
%(cases)s
	os.Exit(0)
}
"""
